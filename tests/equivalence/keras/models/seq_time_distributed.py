# nnport-test: object=model input=N,6,8
"""TimeDistributed(Dense) per step, SimpleRNN over the result, TimeDistributed output kept."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(6, 8)),
    layers.TimeDistributed(layers.Dense(5, activation="relu")),
    layers.SimpleRNN(4, return_sequences=True),
    layers.TimeDistributed(layers.Dense(2)),
])
