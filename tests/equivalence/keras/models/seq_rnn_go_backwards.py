# nnport-test: object=model input=N,9,4
"""Recurrent layers with go_backwards=True: each reads its input reversed in time, and the
sequence it returns stays in that reversed (processing) order."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(9, 4)),
    layers.LSTM(8, return_sequences=True, go_backwards=True),
    layers.GRU(6, return_sequences=True, go_backwards=True),
    layers.SimpleRNN(5, return_sequences=True),
    layers.LSTM(7, go_backwards=True),
    layers.Dense(3),
])
