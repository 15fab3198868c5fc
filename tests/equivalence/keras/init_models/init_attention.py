"""MultiHeadAttention (Keras' fans of its (E, heads, head_dim) kernels), LayerNormalization,
a bidirectional SimpleRNN, a custom layer's add_weight (default glorot_uniform) and explicit
truncated normal / untruncated variance scaling initializers."""
import keras
from keras import initializers, layers


class Scale(layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], 32))
        self.b = self.add_weight(shape=(32,), initializer="random_normal")

    def call(self, x):
        return x @ self.w + self.b


def build_model():
    x_in = keras.Input(shape=(6, 16))
    h = layers.MultiHeadAttention(num_heads=2, key_dim=8)(x_in, x_in)
    h = layers.LayerNormalization()(h + x_in)
    h = layers.Bidirectional(layers.SimpleRNN(12, return_sequences=True))(h)
    h = layers.Dense(
        48,
        kernel_initializer=initializers.TruncatedNormal(stddev=0.1),
        bias_initializer="random_uniform",
    )(h)
    h = layers.Dense(
        40,
        kernel_initializer=initializers.VarianceScaling(
            scale=2.0, mode="fan_out", distribution="untruncated_normal"
        ),
    )(h)
    return keras.Model(x_in, Scale()(h))
