# nnport-test: object=model input=N,10 dtype=int32 vocab=40 note=GRU reset_after=True (the Keras default) runs in OUR transcription (oracle/keras_custom.mjs), TensorFlow.js lacks it
"""Embedding -> GRU at Keras 3 defaults (reset_after=True, two bias rows) -> Dense."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(10,), dtype="int32"),
    layers.Embedding(40, 8),
    layers.GRU(12),
    layers.Dense(4),
])
