# nnport-test: function=build_model input=N,6,4,2
"""Space-to-depth in TensorFlow's channel order (tf.nn.space_to_depth(x, 2): each 2 x 2 block
into channels, as a YOLO passthrough layer does) between convolutions, back up with
tf.nn.depth_to_space(x, block_size=2). TensorFlow.js has no spaceToDepth: the Keras side of the
first op is our transcription of TensorFlow's definition (oracle/keras_structure_ops.mjs)."""
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


def build_model():
    inputs = keras.Input(shape=(6, 4, 2))
    x = layers.Conv2D(3, 3, padding="same", activation="relu")(inputs)
    x = tf.nn.space_to_depth(x, 2)
    x = layers.Conv2D(8, 1)(x)
    x = tf.nn.depth_to_space(x, block_size=2)
    return keras.Model(inputs, layers.Conv2D(1, 1)(x))
