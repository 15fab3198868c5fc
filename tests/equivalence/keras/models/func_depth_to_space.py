# nnport-test: function=build_model input=N,5,6,3
"""Sub-pixel upsampling in TensorFlow's channel order: Conv2D to 2 * 3 * 3 channels,
tf.nn.depth_to_space(x, 3), a Conv2D on the upscaled image, then a second shuffle spelled with
block_size=2. The image is not square, so swapped height and width would show."""
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


def build_model():
    inputs = keras.Input(shape=(5, 6, 3))
    x = layers.Conv2D(18, 3, padding="same", activation="relu")(inputs)
    x = tf.nn.depth_to_space(x, 3)
    x = layers.Conv2D(8, 3, padding="same")(x)
    x = tf.nn.depth_to_space(x, block_size=2)
    return keras.Model(inputs, layers.Conv2D(1, 1)(x))
