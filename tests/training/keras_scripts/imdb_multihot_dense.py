# nnport-training: data=imdb vocab=60 length=16 train=64 test=16
"""Deep Learning with Python, chapter 4: IMDB reviews from keras.datasets.imdb.load_data with
num_words (the rarer words become the out-of-vocabulary id), multi-hot vectors, two Dense(16)
layers and a sigmoid output, binary_crossentropy, a validation set sliced off the training
data. The migrated script reads Keras' cached imdb.npz with NumPy, shuffled and prepared as Keras
does: the same samples in the same order, or the losses differ."""
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.datasets import imdb

NUM_WORDS = 40

(train_data, train_labels), (test_data, test_labels) = imdb.load_data(num_words=NUM_WORDS)
print(max([max(sequence) for sequence in train_data]))


def vectorize_sequences(sequences, dimension=NUM_WORDS):
    results = np.zeros((len(sequences), dimension))
    for i, sequence in enumerate(sequences):
        for j in sequence:
            results[i, j] = 1.
    return results


x_train = vectorize_sequences(train_data)
x_test = vectorize_sequences(test_data)
y_train = np.asarray(train_labels).astype("float32")
y_test = np.asarray(test_labels).astype("float32")

model = keras.Sequential([
    layers.Dense(16, activation="relu"),
    layers.Dense(16, activation="relu"),
    layers.Dense(1, activation="sigmoid")
])
model.compile(optimizer="adam",
              loss="binary_crossentropy",
              metrics=["accuracy"])

x_val = x_train[:16]
partial_x_train = x_train[16:]
y_val = y_train[:16]
partial_y_train = y_train[16:]

history = model.fit(partial_x_train,
                    partial_y_train,
                    epochs=2,
                    batch_size=16,
                    validation_data=(x_val, y_val))
results = model.evaluate(x_test, y_test)
print(results)
