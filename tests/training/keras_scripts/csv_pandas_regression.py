# nnport-training: data=csv features=6 classes=4 train=96 test=24
"""Tabular regression from a CSV file with pandas (TensorFlow's "Basic regression" tutorial
style): the target column popped from the DataFrame, features normalised with NumPy statistics,
Adam(0.01) on mean_absolute_error, a 20% validation split, the history as a DataFrame."""
import os

import numpy as np
import pandas as pd
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

DATA_DIR = os.environ.get("DATA_DIR", "data")

raw_dataset = pd.read_csv(os.path.join(DATA_DIR, "train.csv"))
dataset = raw_dataset.copy()
print(dataset.tail())
print(dataset.describe().transpose()[["mean", "std"]])

train_features = dataset.copy()
train_labels = train_features.pop("label").to_numpy(dtype="float32")
train_features = train_features.to_numpy(dtype="float32")

mean = train_features.mean(axis=0)
std = train_features.std(axis=0)
train_features = (train_features - mean) / std


def build_and_compile_model():
    model = keras.Sequential([
        keras.Input(shape=(6,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(16, activation="relu"),
        layers.Dense(1),
    ])
    model.compile(loss="mean_absolute_error", optimizer=tf.keras.optimizers.Adam(0.01))
    return model


dnn_model = build_and_compile_model()
dnn_model.summary()

history = dnn_model.fit(
    train_features,
    train_labels,
    validation_split=0.2,
    batch_size=16,
    verbose=0, epochs=3)

hist = pd.DataFrame(history.history)
print(hist.tail())
