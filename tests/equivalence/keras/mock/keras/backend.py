"""Mock keras.backend: the constants model files read."""


def epsilon():
    return 1e-7  # keras/src/backend/config.py


def image_data_format():
    return "channels_last"  # keras/src/backend/config.py default


def clear_session(*args, **kwargs):
    return None  # nothing to free: the oracle records one model file per process
