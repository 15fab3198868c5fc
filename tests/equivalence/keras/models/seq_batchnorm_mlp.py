# nnport-test: object=model input=N,10
"""MLP with BatchNormalization at Keras defaults (epsilon 1e-3, momentum 0.99) and one explicit."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(10,)),
    layers.Dense(20, use_bias=False),
    layers.BatchNormalization(),
    layers.Activation("relu"),
    layers.Dense(12),
    layers.BatchNormalization(epsilon=1e-5, momentum=0.9),
    layers.Activation("tanh"),
    layers.Dense(3),
])
