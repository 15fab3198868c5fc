# nnport-test: object=model input=N,10 dtype=int32 vocab=30 batch=4 pad=post
"""Sequential: Embedding(mask_zero=True) -> SimpleRNN(return_sequences=True) -> LSTM -> Dense,
ids padded at the end; the second recurrence reads the first one's mask."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(10,), dtype="int32"),
    layers.Embedding(30, 8, mask_zero=True),
    layers.SimpleRNN(6, return_sequences=True),
    layers.LSTM(5),
    layers.Dense(2),
])
