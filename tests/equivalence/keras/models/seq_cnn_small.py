# nnport-test: object=model input=N,28,28,1
"""MNIST-style CNN: Conv2D (valid), MaxPooling2D, Flatten (channels-last order!), Dense."""
import keras
from keras import layers

model = keras.Sequential([
    layers.Conv2D(8, (3, 3), activation="relu", input_shape=(28, 28, 1)),
    layers.MaxPooling2D((2, 2)),
    layers.Conv2D(16, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(10, activation="softmax"),
])
