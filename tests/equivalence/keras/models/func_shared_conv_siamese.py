# nnport-test: function=build_model input=N,8,8,1 input=N,8,8,1
"""Siamese CNN: one Conv2D + pooling encoder applied to two images (shared weights), merged by
Subtract and Multiply, Dense head."""
import keras
from keras import layers


def build_model():
    a = keras.Input(shape=(8, 8, 1))
    b = keras.Input(shape=(8, 8, 1))
    conv = layers.Conv2D(4, 3, activation="relu")
    pool = layers.GlobalMaxPooling2D()
    fa = pool(conv(a))
    fb = pool(conv(b))
    merged = layers.Concatenate()([layers.Subtract()([fa, fb]), layers.Multiply()([fa, fb])])
    return keras.Model(inputs=[a, b], outputs=layers.Dense(1)(merged))
