# nnport-training: data=cifar10 train=40 test=10
"""A small CIFAR-10 convnet in the style of the textbooks: keras.datasets.cifar10 (labels of
shape (N, 1)), NumPy scaling, one-hot labels, SGD with Nesterov momentum, a validation set given
as arrays, the test accuracy from evaluate and the weights saved."""
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.datasets import cifar10

(x_train, y_train), (x_test, y_test) = cifar10.load_data()
print("x_train:", x_train.shape, x_train.dtype, "y_train:", y_train.shape)

x_train = x_train.astype("float32") / 255.0
x_test = x_test.astype("float32") / 255.0
y_train = keras.utils.to_categorical(y_train, 10)
y_test = keras.utils.to_categorical(y_test, 10)

model = keras.models.Sequential()
model.add(layers.Conv2D(6, (3, 3), padding="same", activation="relu", input_shape=(32, 32, 3)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(8, (3, 3), activation="relu"))
model.add(layers.GlobalAveragePooling2D())
model.add(layers.Dense(10, activation="softmax"))

opt = keras.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True)
model.compile(loss="categorical_crossentropy", optimizer=opt, metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=8, epochs=2, validation_data=(x_test, y_test), shuffle=True)
loss, acc = model.evaluate(x_test, y_test, verbose=0)
print("test accuracy: %.3f" % (acc * 100.0))
model.save_weights("cifar10_cnn.weights.h5")
