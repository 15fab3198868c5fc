# nnport-test: object=model input=N,8,5
"""Stacked LSTMs on a float time series: return_sequences=True feeding a second LSTM, tanh/relu
mix, regression head."""
import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.layers.LSTM(12, return_sequences=True, input_shape=(8, 5)),
    tf.keras.layers.LSTM(6, activation="relu"),
    tf.keras.layers.Dense(1),
])
