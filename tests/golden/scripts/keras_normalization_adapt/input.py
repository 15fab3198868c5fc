# A Normalization layer adapted on the training features before the builder that puts it into
# the model is called (the TensorFlow "Basic regression" tutorial): a KerasNormalization module
# with buffers, its adapt() called right after the model is built.
import numpy as np
import tensorflow as tf
from tensorflow.keras import layers

x_train = np.random.default_rng(0).normal(size=(64, 3))
y_train = x_train.sum(axis=1)

normalizer = layers.Normalization(axis=-1)
normalizer.adapt(np.array(x_train))


def build_and_compile_model(norm):
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(3,)),
        norm,
        layers.Dense(8, activation="relu"),
        layers.Dense(1),
    ])
    model.compile(loss="mean_absolute_error", optimizer=tf.keras.optimizers.Adam(0.001))
    return model


model = build_and_compile_model(normalizer)
model.fit(x_train, y_train, epochs=2, verbose=0)
