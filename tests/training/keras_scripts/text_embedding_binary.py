# nnport-training: data=tokens vocab=50 length=12 binary=1 train=96 test=32
"""Binary text classification on token-id arrays: Embedding + pooling, Adam with a custom rate."""
import argparse
import os

import numpy as np
import keras
from keras import layers

VOCAB = 50
SEQUENCE_LENGTH = 12

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=2)
parser.add_argument("--lr", type=float, default=0.005)
args = parser.parse_args()

data_dir = os.environ.get("DATA_DIR", "data")
x_train = np.load(os.path.join(data_dir, "x_train.npy"))
y_train = np.load(os.path.join(data_dir, "y_train.npy"))
x_test = np.load(os.path.join(data_dir, "x_test.npy"))
y_test = np.load(os.path.join(data_dir, "y_test.npy"))
print("positive rate:", float(y_train.mean()))

inputs = keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int32")
embedded = layers.Embedding(VOCAB, 16)(inputs)
pooled = layers.GlobalAveragePooling1D()(embedded)
hidden = layers.Dense(8, activation="relu")(pooled)
outputs = layers.Dense(1, activation="sigmoid")(hidden)
model = keras.Model(inputs, outputs)

model.compile(optimizer=keras.optimizers.Adam(learning_rate=args.lr, beta_1=0.85),
              loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=args.epochs, batch_size=24)
loss, accuracy = model.evaluate(x_test, y_test)
print(f"test accuracy {accuracy:.3f}")
probabilities = model.predict(x_test)
print("first predictions:", np.round(probabilities[:3].ravel(), 3))
