# nnport-training: data=tabular features=8 classes=3 train=64 test=16
"""The model comes from a builder function; default batch size (32), string optimizer, predict."""
import os

import numpy as np
import keras


def build_model(hidden=16):
    model = keras.Sequential([
        keras.Input(shape=(8,)),
        keras.layers.Dense(hidden, activation="relu"),
        keras.layers.Dense(3, activation="softmax"),
    ])
    return model


def main():
    data_dir = os.environ.get("DATA_DIR", "data")
    x_train = np.load(os.path.join(data_dir, "x_train.npy"))
    y_train = np.load(os.path.join(data_dir, "y_train.npy"))
    x_test = np.load(os.path.join(data_dir, "x_test.npy"))
    keras.utils.set_random_seed(0)
    model = build_model()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=3)
    predictions = model.predict(x_test)
    print("predicted classes:", np.argmax(predictions, axis=1))


if __name__ == "__main__":
    main()
