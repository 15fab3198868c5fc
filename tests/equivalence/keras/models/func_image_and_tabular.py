# nnport-test: function=build_model input=N,10,10,3 input=N,5
"""Two-input Functional model: a small CNN on an image and an MLP on tabular data, joined;
the CNN branch is built with tf.keras spelling."""
import tensorflow as tf
from tensorflow.keras import layers


def build_model():
    image = tf.keras.Input(shape=(10, 10, 3), name="image")
    table = tf.keras.Input(shape=(5,), name="table")
    x = layers.Conv2D(6, 3, activation="relu")(image)
    x = layers.MaxPooling2D(2)(x)
    x = layers.GlobalAveragePooling2D()(x)
    t = layers.Dense(6, activation="relu")(table)
    h = layers.Concatenate()([x, t])
    h = layers.Dense(8, activation="relu")(h)
    return tf.keras.Model(inputs=[image, table], outputs=layers.Dense(2)(h))
