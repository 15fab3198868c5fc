"""Mock keras.backend: the constants model files read."""


def epsilon():
    return 1e-7  # keras/src/backend/config.py
