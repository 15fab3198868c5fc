# nnport-test: class=CausalDecoder input=N,5,6 note=MultiHeadAttention runs in OUR transcription (oracle/keras_attention.mjs); TensorFlow.js has none
"""Subclassed decoder block: causal self-attention (use_causal_mask=True, value_dim != key_dim),
residual, LayerNormalization, per-token Dense output (whole sequence returned)."""
import keras
from keras import layers


class CausalDecoder(keras.Model):
    def __init__(self):
        super().__init__()
        self.attention = layers.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=3)
        self.norm = layers.LayerNormalization()
        self.to_vocab = layers.Dense(7)

    def call(self, x):
        h = self.attention(x, x, use_causal_mask=True)
        return self.to_vocab(self.norm(x + h))
