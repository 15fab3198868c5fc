# nnport-test: object=model input=N,8,8,8,2
"""Volumetric CNN: Conv3D valid and same, MaxPooling3D, AveragePooling3D, Flatten, Dense."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(8, 8, 8, 2)),
    layers.Conv3D(4, 3, activation="relu"),
    layers.MaxPooling3D(pool_size=2),
    layers.Conv3D(6, (1, 3, 3), padding="same", activation="relu"),
    layers.AveragePooling3D(pool_size=(1, 3, 3)),
    layers.Flatten(),
    layers.Dense(3),
])
