# nnport-test: function=build_model input=N,16 dtype=int32 vocab=100
"""TextCNN: one Embedding, three Conv1D branches (kernel 2/3/4), max over time, concatenated."""
import tensorflow as tf
from tensorflow.keras import layers


def build_model():
    ids = tf.keras.Input(shape=(16,), dtype="int32")
    emb = layers.Embedding(input_dim=100, output_dim=12)(ids)
    pooled = []
    for k in (2, 3, 4):
        c = layers.Conv1D(filters=8, kernel_size=k, activation="relu")(emb)
        pooled.append(layers.GlobalMaxPooling1D()(c))
    h = layers.Concatenate(axis=-1)(pooled)
    h = layers.Dropout(0.5)(h)
    return tf.keras.Model(ids, layers.Dense(3, activation="softmax")(h))
