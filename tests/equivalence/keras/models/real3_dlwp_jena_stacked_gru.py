# nnport-test: object=model input=N,120,14 note=GRU reset_after=True (the Keras default) runs in OUR transcription (oracle/keras_custom.mjs); recurrent_dropout is inactive at inference
"""Deep Learning with Python (2nd ed.), chapter 10, temperature forecasting: the Jena climate
arrays normalised on the training part, timeseries_dataset_from_array datasets, and the stacked
GRU model with recurrent_dropout=0.5 and Dropout before the Dense(1) regression head (the CSV
parsing loop is replaced by arrays of the file's shape, 14 features)."""
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

# In the book: lines = data.split("\n") of jena_climate_2009_2016.csv, then a loop filling
# these two arrays from the comma-separated values.
num_lines = 2000
temperature = np.zeros((num_lines,))
raw_data = np.zeros((num_lines, 14))
rng = np.random.default_rng(1337)
raw_data[:] = rng.normal(size=raw_data.shape)
temperature[:] = raw_data[:, 1]

num_train_samples = int(0.5 * len(raw_data))
num_val_samples = int(0.25 * len(raw_data))
num_test_samples = len(raw_data) - num_train_samples - num_val_samples
print("num_train_samples:", num_train_samples)
print("num_val_samples:", num_val_samples)
print("num_test_samples:", num_test_samples)

mean = raw_data[:num_train_samples].mean(axis=0)
raw_data -= mean
std = raw_data[:num_train_samples].std(axis=0)
raw_data /= std

sampling_rate = 6
sequence_length = 120
delay = sampling_rate * (sequence_length + 24 - 1)
batch_size = 256

train_dataset = keras.utils.timeseries_dataset_from_array(
    raw_data[:-delay],
    targets=temperature[delay:],
    sampling_rate=sampling_rate,
    sequence_length=sequence_length,
    shuffle=True,
    batch_size=batch_size,
    start_index=0,
    end_index=num_train_samples)

val_dataset = keras.utils.timeseries_dataset_from_array(
    raw_data[:-delay],
    targets=temperature[delay:],
    sampling_rate=sampling_rate,
    sequence_length=sequence_length,
    shuffle=True,
    batch_size=batch_size,
    start_index=num_train_samples,
    end_index=num_train_samples + num_val_samples)

test_dataset = keras.utils.timeseries_dataset_from_array(
    raw_data[:-delay],
    targets=temperature[delay:],
    sampling_rate=sampling_rate,
    sequence_length=sequence_length,
    shuffle=True,
    batch_size=batch_size,
    start_index=num_train_samples + num_val_samples)

inputs = keras.Input(shape=(sequence_length, raw_data.shape[-1]))
x = layers.GRU(32, recurrent_dropout=0.5, return_sequences=True)(inputs)
x = layers.GRU(32, recurrent_dropout=0.5)(x)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(1)(x)
model = keras.Model(inputs, outputs)

callbacks = [
    keras.callbacks.ModelCheckpoint("jena_stacked_gru_dropout.keras",
                                    save_best_only=True)
]
model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
history = model.fit(train_dataset,
                    epochs=50,
                    validation_data=val_dataset,
                    callbacks=callbacks)
