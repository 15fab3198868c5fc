# nnport-test: class=SentimentLSTM input=N,14 dtype=int32 vocab=90
"""Subclassed text classifier (tf.keras spelling). Attribute names sort around "layers"
("classifier" < "embedding" < "layers" < "lstm" < "norm"), so Keras 3 saves lstm and norm under
layers/lstm and layers/layer_normalization: the subclassed weights-file paths."""
import tensorflow as tf


class SentimentLSTM(tf.keras.Model):
    def __init__(self, vocab_size=90, dim=12, hidden=10):
        super().__init__(name="sentiment_lstm")
        self.embedding = tf.keras.layers.Embedding(vocab_size, dim)
        self.lstm = tf.keras.layers.LSTM(hidden)
        self.norm = tf.keras.layers.LayerNormalization()
        self.classifier = tf.keras.layers.Dense(2, activation="softmax")

    def call(self, inputs, training=None):
        x = self.embedding(inputs)
        x = self.lstm(x)
        return self.classifier(self.norm(x))
