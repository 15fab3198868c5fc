# nnport-test: object=model input=N,9,3
"""GRU(reset_after=False) (the Keras 1 / TF1 "v1" form: reset gate applied before the recurrent
matmul, one bias row), returning sequences, then a second GRU at defaults."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(9, 3)),
    layers.GRU(10, reset_after=False, return_sequences=True),
    layers.GRU(6, reset_after=False),
    layers.Dense(2),
])
