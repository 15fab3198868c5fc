# nnport-test: object=model input=N,20 dtype=int32 vocab=50
"""Token ids -> Embedding -> Conv1D (valid) -> GlobalMaxPooling1D -> Dense."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(20,), dtype="int32"),
    layers.Embedding(50, 16),
    layers.Conv1D(24, 3, activation="relu"),
    layers.GlobalMaxPooling1D(),
    layers.Dense(4),
])
