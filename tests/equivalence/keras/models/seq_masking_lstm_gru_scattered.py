# nnport-test: function=build_model input=N,8,3 batch=5 pad=scattered
"""Masking(mask_value=0.0) -> Dense (which keeps the mask) -> LSTM -> GRU -> SimpleRNN, the
first two returning sequences: the all-zero steps, at random places, are skipped by all three
recurrences (each carries its previous output over a masked step)."""
import keras
from keras import layers


def build_model():
    return keras.Sequential([
        keras.Input(shape=(8, 3)),
        layers.Masking(mask_value=0.0),
        layers.Dense(4, activation="tanh"),
        layers.LSTM(6, return_sequences=True),
        layers.GRU(5, return_sequences=True),
        layers.SimpleRNN(4),
        layers.Dense(3),
    ])
