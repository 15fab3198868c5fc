# nnport-test: object=model input=N,1 input=N,1 input=N,1 input=N,1 input=N,1 input=N,1
"""
Title: Structured data classification from scratch (in the style of the tf.keras keras.io code
example), the numerical features
Description: Binary classification of heart-disease records: one keras.Input(shape=(1,), name=...)
per column, each normalised by its own Normalization layer adapted on a tf.data feature
dataset (encode_numerical_feature), the encoded features joined with layers.concatenate, then
Dense / Dropout / sigmoid. The CSV is replaced by a random DataFrame-like dict; the integer and
string categorical columns (IntegerLookup / StringLookup) of the example are left out.
"""
import numpy as np
import pandas as pd
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.layers import Normalization

"""
## Preparing the data
"""

rng = np.random.default_rng(1337)
n_rows = 303
dataframe = {
    "age": rng.integers(29, 77, n_rows).astype("float32"),
    "trestbps": rng.integers(94, 200, n_rows).astype("float32"),
    "chol": rng.integers(126, 564, n_rows).astype("float32"),
    "thalach": rng.integers(71, 202, n_rows).astype("float32"),
    "oldpeak": rng.uniform(0.0, 6.2, n_rows).astype("float32"),
    "slope": rng.integers(1, 4, n_rows).astype("float32"),
    "target": rng.integers(0, 2, n_rows),
}

val_count = int(0.2 * n_rows)
val_dataframe = {k: v[:val_count] for k, v in dataframe.items()}
train_dataframe = {k: v[val_count:] for k, v in dataframe.items()}

print(
    "Using %d samples for training and %d for validation"
    % (n_rows - val_count, val_count)
)


def dataframe_to_dataset(dataframe):
    dataframe = dict(dataframe)
    labels = dataframe.pop("target")
    ds = tf.data.Dataset.from_tensor_slices((dict(dataframe), labels))
    ds = ds.shuffle(buffer_size=len(labels))
    return ds


train_ds = dataframe_to_dataset(train_dataframe)
val_ds = dataframe_to_dataset(val_dataframe)

train_ds = train_ds.batch(32)
val_ds = val_ds.batch(32)

"""
## Feature preprocessing with Keras layers
"""


def encode_numerical_feature(feature, name, dataset):
    # Create a Normalization layer for our feature
    normalizer = Normalization()

    # Prepare a Dataset that only yields our feature
    feature_ds = dataset.map(lambda x, y: x[name])
    feature_ds = feature_ds.map(lambda x: tf.expand_dims(x, -1))

    # Learn the statistics of the data
    normalizer.adapt(feature_ds)

    # Normalize the input feature
    encoded_feature = normalizer(feature)
    return encoded_feature


"""
## Build a model
"""

# Numerical features
age = keras.Input(shape=(1,), name="age")
trestbps = keras.Input(shape=(1,), name="trestbps")
chol = keras.Input(shape=(1,), name="chol")
thalach = keras.Input(shape=(1,), name="thalach")
oldpeak = keras.Input(shape=(1,), name="oldpeak")
slope = keras.Input(shape=(1,), name="slope")

all_inputs = [
    age,
    trestbps,
    chol,
    thalach,
    oldpeak,
    slope,
]

# Numerical features
age_encoded = encode_numerical_feature(age, "age", train_ds)
trestbps_encoded = encode_numerical_feature(trestbps, "trestbps", train_ds)
chol_encoded = encode_numerical_feature(chol, "chol", train_ds)
thalach_encoded = encode_numerical_feature(thalach, "thalach", train_ds)
oldpeak_encoded = encode_numerical_feature(oldpeak, "oldpeak", train_ds)
slope_encoded = encode_numerical_feature(slope, "slope", train_ds)

all_features = layers.concatenate(
    [
        age_encoded,
        trestbps_encoded,
        chol_encoded,
        thalach_encoded,
        oldpeak_encoded,
        slope_encoded,
    ]
)
x = layers.Dense(32, activation="relu")(all_features)
x = layers.Dropout(0.5)(x)
output = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(all_inputs, output)
model.compile("adam", "binary_crossentropy", metrics=["accuracy"])

# `rankdir='LR'` is to make the graph horizontal.
keras.utils.plot_model(model, show_shapes=True, rankdir="LR")

"""
## Train the model
"""

model.fit(train_ds, epochs=1, validation_data=val_ds)

"""
## Inference on new data
"""

sample = {
    "age": 60,
    "trestbps": 145,
    "chol": 233,
    "thalach": 150,
    "oldpeak": 2.3,
    "slope": 3,
}

input_dict = {name: tf.convert_to_tensor([value]) for name, value in sample.items()}
predictions = model.predict(input_dict)

print(
    f"This particular patient had a {100 * predictions[0][0]:.1f} "
    "percent probability of having a heart disease"
)
