# nnport-training: data=tabular features=8 classes=3 train=64 test=16
"""keras.io's run_experiment(model) helper: AdamW and a ModelCheckpoint on the validation accuracy
(save_best_only), the best checkpoint reloaded with load_weights and evaluated, and the History
and the model returned to the caller, which rebinds the model's own name and reads the History's
epoch list and parameters."""
import os

import numpy as np
import keras
from keras import layers

DATA_DIR = os.environ.get("DATA_DIR", "data")
x_train = np.load(os.path.join(DATA_DIR, "x_train.npy"))
y_train = np.load(os.path.join(DATA_DIR, "y_train.npy"))
x_test = np.load(os.path.join(DATA_DIR, "x_test.npy"))
y_test = np.load(os.path.join(DATA_DIR, "y_test.npy"))
x_val, y_val = x_test, y_test


def get_model():
    inputs = keras.Input(shape=(8,))
    x = layers.Dense(16, activation="gelu")(inputs)
    outputs = layers.Dense(3, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def run_experiment(model):
    optimizer = keras.optimizers.AdamW(learning_rate=0.01, weight_decay=0.0001)
    model.compile(
        optimizer=optimizer,
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    checkpoint_filepath = "checkpoint.weights.h5"
    checkpoint_callback = keras.callbacks.ModelCheckpoint(
        checkpoint_filepath,
        monitor="val_accuracy",
        save_best_only=True,
        save_weights_only=True,
    )
    history = model.fit(
        x_train,
        y_train,
        batch_size=16,
        validation_data=(x_val, y_val),
        epochs=3,
        callbacks=[checkpoint_callback],
    )
    model.load_weights(checkpoint_filepath)
    _, accuracy = model.evaluate(x_test, y_test)
    print(f"Test accuracy: {round(accuracy * 100, 2)}%")
    return history, model


model = get_model()
history, model = run_experiment(model)
print("epochs:", history.epoch)
print("steps per epoch:", history.params["steps"])
