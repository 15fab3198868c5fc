# nnport-test: object=model input=N,15 dtype=int32 vocab=70
"""Embedding, SpatialDropout1D (identity at inference), Conv1D same, GlobalAveragePooling1D,
BatchNormalization on features, Dense sigmoid."""
import keras
from keras import layers

model = keras.Sequential()
model.add(keras.Input(shape=(15,), dtype="int32"))
model.add(layers.Embedding(input_dim=70, output_dim=8))
model.add(layers.SpatialDropout1D(0.2))
model.add(layers.Conv1D(12, 5, padding="same", activation="relu"))
model.add(layers.GlobalAveragePooling1D())
model.add(layers.BatchNormalization())
model.add(layers.Dense(1, activation="sigmoid"))
