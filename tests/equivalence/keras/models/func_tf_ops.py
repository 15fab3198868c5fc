# nnport-test: function=build_model input=N,5,6
"""tf.* functions on Keras tensors (tf.keras style): tf.reduce_mean, tf.nn.relu, tf.concat,
tf.reshape, and Python operators (x - y, 1 - x)."""
import tensorflow as tf


def build_model():
    x_in = tf.keras.Input(shape=(5, 6))
    a = tf.keras.layers.Dense(6)(x_in)
    b = tf.nn.relu(a - x_in)
    c = 1.0 - tf.keras.layers.Dense(6, activation="sigmoid")(b)
    pooled = tf.reduce_mean(c, axis=1)
    flat = tf.reshape(b, (-1, 30))
    h = tf.concat([pooled, flat], axis=-1)
    return tf.keras.Model(inputs=x_in, outputs=tf.keras.layers.Dense(2)(h))
