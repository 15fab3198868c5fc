# nnport-test: function=get_model input=N,8,8,1
"""
Title: Image Super-Resolution using an Efficient Sub-Pixel CNN (in the style of the tf.keras
keras.io code example)
Description: ESPCN: four "same" convolutions sharing their arguments through a conv_args dict
(**conv_args), then the sub-pixel shuffle tf.nn.depth_to_space(x, upscale_factor); the BSDS500
images are replaced by random arrays and the PSNR callback by a small one (epochs kept short).
"""
import tensorflow as tf

import os
import math
import numpy as np

from tensorflow import keras
from tensorflow.keras import layers

crop_size = 300
upscale_factor = 3
input_size = crop_size // upscale_factor
batch_size = 8

"""
## Build a model
"""


def get_model(upscale_factor=3, channels=1):
    conv_args = {
        "activation": "relu",
        "kernel_initializer": "Orthogonal",
        "padding": "same",
    }
    inputs = keras.Input(shape=(None, None, channels))
    x = layers.Conv2D(64, 5, **conv_args)(inputs)
    x = layers.Conv2D(64, 3, **conv_args)(x)
    x = layers.Conv2D(32, 3, **conv_args)(x)
    x = layers.Conv2D(channels * (upscale_factor ** 2), 3, **conv_args)(x)
    outputs = tf.nn.depth_to_space(x, upscale_factor)

    return keras.Model(inputs, outputs)


"""
## Define callbacks to monitor training
"""


class ESPCNCallback(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()

    # Store PSNR value in each epoch.
    def on_epoch_begin(self, epoch, logs=None):
        self.psnr = []

    def on_epoch_end(self, epoch, logs=None):
        print("Mean PSNR for epoch: %.2f" % (np.mean(self.psnr)))

    def on_test_batch_end(self, batch, logs=None):
        self.psnr.append(10 * np.log10(1 / logs["loss"]))


early_stopping_callback = keras.callbacks.EarlyStopping(monitor="loss", patience=10)

checkpoint_filepath = "checkpoint"

model_checkpoint_callback = keras.callbacks.ModelCheckpoint(
    filepath=checkpoint_filepath,
    save_weights_only=True,
    monitor="loss",
    mode="min",
    save_best_only=True,
)

model = get_model(upscale_factor=upscale_factor, channels=1)
model.summary()

callbacks = [ESPCNCallback(), early_stopping_callback, model_checkpoint_callback]
loss_fn = keras.losses.MeanSquaredError()
optimizer = keras.optimizers.Adam(learning_rate=0.001)

"""
## Train the model
"""

train_x = np.random.uniform(0.0, 1.0, size=(64, input_size, input_size, 1)).astype("float32")
train_y = np.random.uniform(0.0, 1.0, size=(64, crop_size, crop_size, 1)).astype("float32")

epochs = 1

model.compile(
    optimizer=optimizer,
    loss=loss_fn,
)

model.fit(
    train_x, train_y, epochs=epochs, batch_size=batch_size, callbacks=callbacks, verbose=2
)

# The model weights (that are considered the best) are loaded into the model.
model.load_weights(checkpoint_filepath)
