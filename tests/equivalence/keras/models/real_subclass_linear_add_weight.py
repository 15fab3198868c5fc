# nnport-test: object=mlp input=N,8 note=custom weights created by add_weight in build()
"""The "Making new layers and models via subclassing" guide: a Linear layer whose build() creates
its weights with add_weight, used twice inside an MLPBlock layer, inside a Sequential."""
import keras
from keras import ops


class Linear(keras.layers.Layer):
    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], self.units),
            initializer="random_normal",
            trainable=True,
        )
        self.b = self.add_weight(
            shape=(self.units,), initializer="random_normal", trainable=True
        )

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


class MLPBlock(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.linear_1 = Linear(16)
        self.linear_2 = Linear(8)
        self.linear_3 = Linear(1)

    def call(self, inputs):
        x = self.linear_1(inputs)
        x = keras.activations.relu(x)
        x = self.linear_2(x)
        x = keras.activations.relu(x)
        return self.linear_3(x)


mlp = keras.Sequential([keras.Input(shape=(8,)), MLPBlock()])
mlp.summary()
