# nnport-test: object=model input=N,2 dtype=int32 vocab=30
"""
Title: Collaborative Filtering for Movie Recommendations (in the style of the keras.io example)
Description: A RecommenderNet(keras.Model) with user and movie Embeddings (he_normal,
embeddings_regularizer l2) and one-unit bias Embeddings, indexed with inputs[:, 0] and
inputs[:, 1], combined with ops.tensordot(user_vector, movie_vector, 2) plus the biases and
ops.nn.sigmoid (the MovieLens download and the pandas encoding of the ids are replaced by the
counts they give, dims lowered).
"""
import pandas as pd
import numpy as np
import keras
from keras import layers
from keras import ops

# In the example: ml-latest-small.zip downloaded with keras.utils.get_file, ratings.csv read with
# pandas, userId / movieId encoded as consecutive integers with dicts built from
# df["userId"].unique().tolist(); num_users and num_movies are the sizes of those dicts.
num_users = 30
num_movies = 40
min_rating = 0.5
max_rating = 5.0
print(
    "Number of users: {}, Number of Movies: {}, Min rating: {}, Max rating: {}".format(
        num_users, num_movies, min_rating, max_rating
    )
)

rng = np.random.default_rng(42)
x = np.stack([rng.integers(0, num_users, 1000), rng.integers(0, num_movies, 1000)], axis=1)
y = rng.uniform(min_rating, max_rating, 1000)
# Normalize the targets between 0 and 1. Makes it easy to train.
y = (y - min_rating) / (max_rating - min_rating)
# Assuming training on 90% of the data and validating on 10%.
train_indices = int(0.9 * len(x))
x_train, x_val, y_train, y_val = (
    x[:train_indices],
    x[train_indices:],
    y[:train_indices],
    y[train_indices:],
)

EMBEDDING_SIZE = 50


class RecommenderNet(keras.Model):
    def __init__(self, num_users, num_movies, embedding_size, **kwargs):
        super().__init__(**kwargs)
        self.num_users = num_users
        self.num_movies = num_movies
        self.embedding_size = embedding_size
        self.user_embedding = layers.Embedding(
            num_users,
            embedding_size,
            embeddings_initializer="he_normal",
            embeddings_regularizer=keras.regularizers.l2(1e-6),
        )
        self.user_bias = layers.Embedding(num_users, 1)
        self.movie_embedding = layers.Embedding(
            num_movies,
            embedding_size,
            embeddings_initializer="he_normal",
            embeddings_regularizer=keras.regularizers.l2(1e-6),
        )
        self.movie_bias = layers.Embedding(num_movies, 1)

    def call(self, inputs):
        user_vector = self.user_embedding(inputs[:, 0])
        user_bias = self.user_bias(inputs[:, 0])
        movie_vector = self.movie_embedding(inputs[:, 1])
        movie_bias = self.movie_bias(inputs[:, 1])
        dot_user_movie = ops.tensordot(user_vector, movie_vector, 2)
        # Add all the components (including bias)
        x = dot_user_movie + user_bias + movie_bias
        # The sigmoid activation forces the rating to between 0 and 1
        return ops.nn.sigmoid(x)


model = RecommenderNet(num_users, num_movies, EMBEDDING_SIZE)
model.compile(
    loss=keras.losses.BinaryCrossentropy(),
    optimizer=keras.optimizers.Adam(learning_rate=0.001),
)

history = model.fit(
    x=x_train,
    y=y_train,
    batch_size=64,
    epochs=5,
    verbose=1,
    validation_data=(x_val, y_val),
)
