# nnport-test: object=model input=N,12,2
"""Univariate forecast: LSTM(return_sequences) -> Dropout -> LSTM -> Dense(4) multi-step."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(12, 2)),
    layers.LSTM(10, return_sequences=True),
    layers.Dropout(0.2),
    layers.LSTM(10),
    layers.Dense(4),
])
