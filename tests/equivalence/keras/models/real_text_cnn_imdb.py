# nnport-test: function=build_model input=N,20 dtype=int32 vocab=200
"""Text classification from scratch (keras.io style): integer token ids -> Embedding ->
two strided Conv1D -> GlobalMaxPooling1D -> Dense head with a sigmoid output."""
import keras
from keras import layers

# Model constants.
max_features = 200
embedding_dim = 16
sequence_length = 20


def build_model():
    # A integer input for vocab indices.
    inputs = keras.Input(shape=(None,), dtype="int64")

    # Next, we add a layer to map those vocab indices into a space of dimensionality
    # 'embedding_dim'.
    x = layers.Embedding(max_features, embedding_dim)(inputs)
    x = layers.Dropout(0.5)(x)

    # Conv1D + global max pooling
    x = layers.Conv1D(32, 3, padding="valid", activation="relu", strides=2)(x)
    x = layers.Conv1D(32, 3, padding="valid", activation="relu", strides=2)(x)
    x = layers.GlobalMaxPooling1D()(x)

    # We add a vanilla hidden layer:
    x = layers.Dense(32, activation="relu")(x)
    x = layers.Dropout(0.5)(x)

    # We project onto a single unit output layer, and squash it with a sigmoid:
    predictions = layers.Dense(1, activation="sigmoid", name="predictions")(x)

    model = keras.Model(inputs, predictions)

    # Compile the model with binary crossentropy loss and an adam optimizer.
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model
