# nnport-test: object=model input=N,1024,1
"""
Title: Speaker Recognition (in the style of the keras.io code example)
Description: Classify speakers using the Fast Fourier Transform of their speech: residual blocks
of Conv1D layers (a 1x1 Conv1D shortcut, a loop of Conv1D + Activation, Add, MaxPool1D), then
AveragePooling1D, Flatten and Dense layers. The speech and noise recordings are replaced by
random signals and the FFT is taken with NumPy; SAMPLING_RATE is 2048 here (16000 in the example)
and the speaker list is written out (os.listdir of the dataset folder in the example).
"""
import os
import shutil
import numpy as np

import tensorflow as tf
import keras

from pathlib import Path

# The sampling rate to use.
# This is the one used in all the audio samples.
# We will resample all the noise to this sampling rate.
# This will also be the output size of the audio wave samples
# (since all samples are of 1 second long)
SAMPLING_RATE = 2048

# The factor to multiply the noise with according to:
#   noisy_sample = sample + noise * prop * scale
#      where prop = sample_amplitude / noise_amplitude
SCALE = 0.5

BATCH_SIZE = 128
EPOCHS = 1

class_names = ["Benjamin_Netanyau", "Jens_Stoltenberg", "Julia_Gillard",
               "Magaret_Tarcher", "Nelson_Mandela"]
print(
    "Our class names: {}".format(
        class_names,
    )
)


def audio_to_fft(audio):
    # Since tf.signal.fft applies FFT on the innermost dimension,
    # we need to squeeze the dimensions and then expand them again
    # after FFT
    fft = np.fft.fft(np.squeeze(audio, axis=-1))
    fft = np.expand_dims(fft, axis=-1)

    # Return the absolute value of the first half of the FFT
    # which represents the positive frequencies
    return np.abs(fft[:, : (audio.shape[1] // 2), :])


audio = np.random.normal(size=(100, SAMPLING_RATE, 1)).astype("float32")
labels = np.random.randint(0, len(class_names), size=(100,))
x_train = audio_to_fft(audio)

"""
## Model Definition
"""


def residual_block(x, filters, conv_num=3, activation="relu"):
    # Shortcut
    s = keras.layers.Conv1D(filters, 1, padding="same")(x)
    for i in range(conv_num - 1):
        x = keras.layers.Conv1D(filters, 3, padding="same")(x)
        x = keras.layers.Activation(activation)(x)
    x = keras.layers.Conv1D(filters, 3, padding="same")(x)
    x = keras.layers.Add()([x, s])
    x = keras.layers.Activation(activation)(x)
    return keras.layers.MaxPool1D(pool_size=2, strides=2)(x)


def build_model(input_shape, num_classes):
    inputs = keras.layers.Input(shape=input_shape, name="input")

    x = residual_block(inputs, 16, 2)
    x = residual_block(x, 32, 2)
    x = residual_block(x, 64, 3)
    x = residual_block(x, 128, 3)
    x = residual_block(x, 128, 3)

    x = keras.layers.AveragePooling1D(pool_size=3, strides=3)(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(256, activation="relu")(x)
    x = keras.layers.Dense(128, activation="relu")(x)

    outputs = keras.layers.Dense(num_classes, activation="softmax", name="output")(x)

    return keras.models.Model(inputs=inputs, outputs=outputs)


model = build_model((SAMPLING_RATE // 2, 1), len(class_names))

model.summary()

# Compile the model using Adam's default learning rate
model.compile(
    optimizer="Adam",
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)

# Add callbacks:
# 'EarlyStopping' to stop training when the model is not enhancing anymore
# 'ModelCheckPoint' to always keep the model that has the best val_accuracy
model_save_filename = "model.keras"

earlystopping_cb = keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)
mdlcheckpoint_cb = keras.callbacks.ModelCheckpoint(
    model_save_filename, monitor="val_accuracy", save_best_only=True
)

history = model.fit(
    x_train,
    labels,
    epochs=EPOCHS,
    validation_split=0.1,
    callbacks=[earlystopping_cb, mdlcheckpoint_cb],
)

print(model.evaluate(x_train, labels))
