# nnport-training: data=tabular features=8 classes=3 train=64 test=16
"""CategoricalCrossentropy(label_smoothing=0.2) on softmax probabilities with one-hot labels
(PyTorch: the labels mixed as y * (1 - 0.2) + 0.2 / 3 before the clipped cross-entropy), and
predict -> a batched loop over a DataLoader under torch.no_grad() in eval mode."""
import os

import numpy as np
import keras

data_dir = os.environ.get("DATA_DIR", "data")
x_train = np.load(os.path.join(data_dir, "x_train.npy"))
y_train = keras.utils.to_categorical(np.load(os.path.join(data_dir, "y_train.npy")), 3)
x_test = np.load(os.path.join(data_dir, "x_test.npy"))

keras.utils.set_random_seed(1)
model = keras.Sequential([
    keras.Input(shape=(8,)),
    keras.layers.Dense(16, activation="relu"),
    keras.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
              loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.2),
              metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=16, epochs=2)
probabilities = model.predict(x_test)
print("predicted classes:", np.argmax(probabilities, axis=1))
