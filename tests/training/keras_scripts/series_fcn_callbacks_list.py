# nnport-training: data=series features=3 length=12 train=80 test=20
"""Time series with windows (keras.io "Timeseries forecasting" style): the input shape taken
from a batch of the arrays, a builder that compiles and summarises its own model, and a
keras.callbacks list (ModelCheckpoint, ReduceLROnPlateau, EarlyStopping) named by fit()."""
import os

import numpy as np
import keras

DATA_DIR = os.environ.get("DATA_DIR", "data")
learning_rate = 0.005
batch_size = 16
epochs = 3
path_checkpoint = "model_checkpoint.weights.h5"

x_train = np.load(os.path.join(DATA_DIR, "x_train.npy"))
y_train = np.load(os.path.join(DATA_DIR, "y_train.npy"))
x_val = np.load(os.path.join(DATA_DIR, "x_test.npy"))
y_val = np.load(os.path.join(DATA_DIR, "y_test.npy"))

for batch in [x_train[:batch_size]]:
    print("Input shape:", batch.shape)


def build_model(sequence_length=12, num_features=3):
    inputs = keras.layers.Input(shape=(sequence_length, num_features))
    x = keras.layers.Conv1D(filters=8, kernel_size=3, padding="same", activation="relu")(inputs)
    x = keras.layers.GlobalAveragePooling1D()(x)
    outputs = keras.layers.Dense(1)(x)

    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")
    model.summary()
    return model


callbacks = [
    keras.callbacks.ModelCheckpoint(path_checkpoint, save_best_only=True, save_weights_only=True,
                                    monitor="val_loss"),
    keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2, min_lr=0.0001),
    keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=0, patience=5, verbose=1),
]

model = build_model()
history = model.fit(
    x_train,
    y_train,
    batch_size=batch_size,
    epochs=epochs,
    validation_data=(x_val, y_val),
    callbacks=callbacks,
)
print("best validation loss:", min(history.history["val_loss"]))
