# nnport-test: object=model input=N,12 dtype=int32 vocab=100
"""Bidirectional LSTM on IMDB (keras.io style): Embedding, two stacked Bidirectional LSTMs,
sigmoid output."""
import numpy as np
import keras
from keras import layers

max_features = 100  # Only consider the top 20k words
maxlen = 12  # Only consider the first 200 words of each movie review

# Input for variable-length sequences of integers
inputs = keras.Input(shape=(None,), dtype="int32")
# Embed each integer in a 128-dimensional vector
x = layers.Embedding(max_features, 16)(inputs)
# Add 2 bidirectional LSTMs
x = layers.Bidirectional(layers.LSTM(8, return_sequences=True))(x)
x = layers.Bidirectional(layers.LSTM(8))(x)
# Add a classifier
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.summary()

model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
