# nnport-test: function=build_model input=N,12,7
"""Timeseries forecasting for weather prediction (keras.io style): the input shape taken from a
batch of the dataset, one LSTM, a Dense(1) regression output."""
import numpy as np
import keras

split_fraction = 0.715
step = 6
past = 72
future = 72
learning_rate = 0.001
batch_size = 256
epochs = 10

selected_features = ["p (mbar)", "T (degC)", "VPmax (mbar)", "VPdef (mbar)", "sh (g/kg)",
                     "rho (g/m**3)", "wv (m/s)"]


def normalize(data, train_split):
    data_mean = data[:train_split].mean(axis=0)
    data_std = data[:train_split].std(axis=0)
    return (data - data_mean) / data_std


def build_model(sequence_length=past // step, num_features=len(selected_features)):
    inputs = keras.layers.Input(shape=(sequence_length, num_features))
    lstm_out = keras.layers.LSTM(16)(inputs)
    outputs = keras.layers.Dense(1)(lstm_out)

    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")
    model.summary()
    return model
