# nnport-test: object=combined_model input=N,28
"""Overfit and underfit (TensorFlow tutorial): the Higgs dataset read with tf.data.experimental.CsvDataset,
FEATURES = 28, an InverseTimeDecay schedule, and the combined_model: Dense(elu) layers with
kernel_regularizer=regularizers.l2(0.0001) interleaved with Dropout(0.5) (units lowered)."""
import tensorflow as tf

from tensorflow.keras import layers
from tensorflow.keras import regularizers

import numpy as np
import pathlib
import shutil
import tempfile

logdir = pathlib.Path(tempfile.mkdtemp())/"tensorboard_logs"
shutil.rmtree(logdir, ignore_errors=True)

FEATURES = 28

N_VALIDATION = int(1e3)
N_TRAIN = int(1e4)
BUFFER_SIZE = int(1e4)
BATCH_SIZE = 500
STEPS_PER_EPOCH = N_TRAIN//BATCH_SIZE

lr_schedule = tf.keras.optimizers.schedules.InverseTimeDecay(
  0.001,
  decay_steps=STEPS_PER_EPOCH*1000,
  decay_rate=1,
  staircase=False)


def get_optimizer():
  return tf.keras.optimizers.Adam(lr_schedule)


combined_model = tf.keras.Sequential([
    layers.Dense(16, kernel_regularizer=regularizers.l2(0.0001),
                 activation='elu', input_shape=(FEATURES,)),
    layers.Dropout(0.5),
    layers.Dense(16, kernel_regularizer=regularizers.l2(0.0001),
                 activation='elu'),
    layers.Dropout(0.5),
    layers.Dense(16, kernel_regularizer=regularizers.l2(0.0001),
                 activation='elu'),
    layers.Dropout(0.5),
    layers.Dense(16, kernel_regularizer=regularizers.l2(0.0001),
                 activation='elu'),
    layers.Dropout(0.5),
    layers.Dense(1)
])

combined_model.compile(optimizer=get_optimizer(),
                       loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                       metrics=[
                         tf.keras.metrics.BinaryCrossentropy(
                             from_logits=True, name='binary_crossentropy'),
                         'accuracy'])
