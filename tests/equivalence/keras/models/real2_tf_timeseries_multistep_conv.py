# nnport-test: object=multi_conv_model input=N,24,19
"""Time series forecasting (TensorFlow tutorial), multi-step models: the multi_conv_model Sequential
whose first layer is a Lambda slicing the last CONV_WIDTH steps (x[:, -CONV_WIDTH:, :]), a Conv1D,
a Dense with kernel_initializer=tf.initializers.zeros() and a Reshape to [OUT_STEPS, features];
compile_and_fit with EarlyStopping around it (units lowered)."""
import os
import datetime

import numpy as np
import tensorflow as tf

MAX_EPOCHS = 20
OUT_STEPS = 24
num_features = 19
CONV_WIDTH = 3


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


multi_conv_model = tf.keras.Sequential([
    # Shape [batch, time, features] => [batch, CONV_WIDTH, features]
    tf.keras.layers.Lambda(lambda x: x[:, -CONV_WIDTH:, :]),
    # Shape => [batch, 1, conv_units]
    tf.keras.layers.Conv1D(32, activation='relu', kernel_size=(CONV_WIDTH)),
    # Shape => [batch, 1,  out_steps*features]
    tf.keras.layers.Dense(OUT_STEPS*num_features,
                          kernel_initializer=tf.initializers.zeros()),
    # Shape => [batch, out_steps, features]
    tf.keras.layers.Reshape([OUT_STEPS, num_features])
])

multi_val_performance = {}
multi_performance = {}
