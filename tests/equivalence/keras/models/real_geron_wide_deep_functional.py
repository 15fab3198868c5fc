# nnport-test: object=model input=N,8
"""Hands-On Machine Learning (2nd ed.) style functional API: the input shape from the training
data (X_train.shape[1:]), a trailing-underscore name, Concatenate()([...]), list inputs/outputs."""
import numpy as np
from tensorflow import keras

np.random.seed(42)
X_train = np.random.rand(200, 8).astype(np.float32)
y_train = np.random.rand(200, 1).astype(np.float32)

input_ = keras.layers.Input(shape=X_train.shape[1:])
hidden1 = keras.layers.Dense(30, activation="relu")(input_)
hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
concat = keras.layers.Concatenate()([input_, hidden2])
output = keras.layers.Dense(1)(concat)
model = keras.models.Model(inputs=[input_], outputs=[output])

model.compile(loss="mean_squared_error", optimizer=keras.optimizers.SGD(learning_rate=1e-3))
history = model.fit(X_train, y_train, epochs=20)
