# nnport-test: object=model input=N,24 dtype=int32 vocab=60 note=mask_zero=True: the draws from [0, vocab) include 0, the padding id the LSTMs must skip
"""Deep Learning with Python (2nd ed.), chapter 11, sequence models: IMDB reviews read with
text_dataset_from_directory, a TextVectorization layer (output_sequence_length=600) mapped over
the datasets, then the model with an Embedding(mask_zero=True) in front of a Bidirectional
LSTM, Dropout and a sigmoid Dense, over int64 token ids of any length (dims lowered)."""
from tensorflow import keras
from tensorflow.keras import layers

batch_size = 32

train_ds = keras.utils.text_dataset_from_directory(
    "aclImdb/train", batch_size=batch_size
)
val_ds = keras.utils.text_dataset_from_directory(
    "aclImdb/val", batch_size=batch_size
)
test_ds = keras.utils.text_dataset_from_directory(
    "aclImdb/test", batch_size=batch_size
)
text_only_train_ds = train_ds.map(lambda x, y: x)

max_length = 600
max_tokens = 60
text_vectorization = layers.TextVectorization(
    max_tokens=max_tokens,
    output_mode="int",
    output_sequence_length=max_length,
)
text_vectorization.adapt(text_only_train_ds)

int_train_ds = train_ds.map(
    lambda x, y: (text_vectorization(x), y),
    num_parallel_calls=4)
int_val_ds = val_ds.map(
    lambda x, y: (text_vectorization(x), y),
    num_parallel_calls=4)
int_test_ds = test_ds.map(
    lambda x, y: (text_vectorization(x), y),
    num_parallel_calls=4)

inputs = keras.Input(shape=(None,), dtype="int64")
embedded = layers.Embedding(
    input_dim=max_tokens, output_dim=16, mask_zero=True)(inputs)
x = layers.Bidirectional(layers.LSTM(8))(embedded)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer="rmsprop",
              loss="binary_crossentropy",
              metrics=["accuracy"])
model.summary()

callbacks = [
    keras.callbacks.ModelCheckpoint("embeddings_bidir_gru_with_masking.keras",
                                    save_best_only=True)
]
model.fit(int_train_ds, validation_data=int_val_ds, epochs=10,
          callbacks=callbacks)
print(f"Test acc: {model.evaluate(int_test_ds)[1]:.3f}")
