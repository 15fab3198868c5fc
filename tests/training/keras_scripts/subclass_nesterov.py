# nnport-training: data=tabular features=8 classes=3 train=80 test=20
"""A subclassed keras.Model trained with SGD + Nesterov momentum, then reloaded from its weights."""
import os

import numpy as np
import keras
from keras import layers


class Classifier(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(20, activation="relu")
        self.out = layers.Dense(3, activation="softmax")

    def call(self, x):
        return self.out(self.hidden(x))


DATA_DIR = os.environ.get("DATA_DIR", "data")
x_train = np.load(os.path.join(DATA_DIR, "x_train.npy"))
y_train = np.load(os.path.join(DATA_DIR, "y_train.npy"))

model = Classifier()
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.8, nesterov=True),
              loss="sparse_categorical_crossentropy", metrics=["sparse_categorical_accuracy"])
model.fit(x_train, y_train, batch_size=16, epochs=2)
model.save_weights("classifier.weights.h5")
model.load_weights("classifier.weights.h5")
