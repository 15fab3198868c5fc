# nnport-test: object=residual_lstm input=N,24,19
"""Time series forecasting (TensorFlow tutorial), advanced single-step model: a ResidualWrapper
tf.keras.Model subclass holding another model and returning inputs + delta, around a Sequential
of LSTM(return_sequences=True) and a Dense whose kernel_initializer is tf.initializers.zeros();
compile_and_fit with EarlyStopping around it (units lowered)."""
import os
import datetime

import numpy as np
import tensorflow as tf

MAX_EPOCHS = 20
num_features = 19


def compile_and_fit(model, window, patience=2):
  early_stopping = tf.keras.callbacks.EarlyStopping(monitor='val_loss',
                                                    patience=patience,
                                                    mode='min')

  model.compile(loss=tf.keras.losses.MeanSquaredError(),
                optimizer=tf.keras.optimizers.Adam(),
                metrics=[tf.keras.metrics.MeanAbsoluteError()])

  history = model.fit(window.train, epochs=MAX_EPOCHS,
                      validation_data=window.val,
                      callbacks=[early_stopping])
  return history


class ResidualWrapper(tf.keras.Model):
  def __init__(self, model):
    super().__init__()
    self.model = model

  def call(self, inputs, *args, **kwargs):
    delta = self.model(inputs, *args, **kwargs)

    # The prediction for each time step is the input
    # from the previous time step plus the delta
    # calculated by the model.
    return inputs + delta


residual_lstm = ResidualWrapper(
    tf.keras.Sequential([
    tf.keras.layers.LSTM(16, return_sequences=True),
    tf.keras.layers.Dense(
        num_features,
        # The predicted deltas should start small.
        # Therefore, initialize the output layer with zeros.
        kernel_initializer=tf.initializers.zeros())
]))

val_performance = {}
performance = {}
