# nnport-test: object=model input=N,11,4
"""SimpleRNN stack: tanh returning sequences, relu last state."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(11, 4)),
    layers.SimpleRNN(8, return_sequences=True),
    layers.SimpleRNN(6, activation="relu"),
    layers.Dense(3),
])
