# nnport-test: function=build_model input=N,6,8 note=MultiHeadAttention runs in OUR transcription of keras/src/layers/attention/multi_head_attention.py (oracle/keras_attention.mjs); TensorFlow.js has none
"""Transformer encoder block: self-attention MultiHeadAttention(num_heads=2, key_dim=4) with a
residual Add and LayerNormalization, a Dense feed-forward, mean over tokens, classifier."""
import keras
from keras import layers


def build_model():
    tokens = keras.Input(shape=(6, 8))
    attn = layers.MultiHeadAttention(num_heads=2, key_dim=4)(tokens, tokens)
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([tokens, attn]))
    ff = layers.Dense(8)(layers.Dense(16, activation="relu")(x))
    x = layers.LayerNormalization(epsilon=1e-6)(x + ff)
    x = layers.GlobalAveragePooling1D()(x)
    return keras.Model(tokens, layers.Dense(3)(x))
