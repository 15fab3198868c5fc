# nnport-test: object=model input=N,10
"""Regression MLP built with Sequential.add, keras.Input first, tf.keras spelling, linear output."""
import tensorflow as tf

model = tf.keras.Sequential(name="regressor")
model.add(tf.keras.Input(shape=(10,)))
model.add(tf.keras.layers.Dense(24, activation="relu"))
model.add(tf.keras.layers.Dense(24, activation="elu"))
model.add(tf.keras.layers.Dense(1))
