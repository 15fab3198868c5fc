# nnport-test: object=model input=N,12 dtype=int32 vocab=60
"""Text classifier: Embedding -> LSTM (last state, Keras 3 defaults: sigmoid gates,
unit_forget_bias) -> Dense softmax."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(12,), dtype="int32"),
    layers.Embedding(60, 10),
    layers.LSTM(16),
    layers.Dense(3, activation="softmax"),
])
