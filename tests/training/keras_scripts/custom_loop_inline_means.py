# nnport-training: data=tabular features=10 classes=4 train=96 test=32
"""A GradientTape step written inline in the epoch loop (no step function): probabilities from a
softmax layer with SparseCategoricalCrossentropy(reduction="sum") (the per-sample losses summed),
SGD with momentum, keras.metrics.Mean objects fed with the loss values (called directly and with
update_state), reset_states() (tf.keras 2.x), results read in f-strings."""
import os

import numpy as np
import tensorflow as tf

DATA_DIR = os.environ.get("DATA_DIR", "data")
EPOCHS = 2

x_train = np.load(os.path.join(DATA_DIR, "x_train.npy"))
y_train = np.load(os.path.join(DATA_DIR, "y_train.npy"))
x_test = np.load(os.path.join(DATA_DIR, "x_test.npy"))
y_test = np.load(os.path.join(DATA_DIR, "y_test.npy"))

train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(16)
test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(16)

model = tf.keras.Sequential([
    tf.keras.Input(shape=(10,)),
    tf.keras.layers.Dense(16, activation="tanh"),
    tf.keras.layers.Dense(4, activation="softmax"),
])

loss_object = tf.keras.losses.SparseCategoricalCrossentropy(reduction="sum")
optimizer = tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)

train_loss = tf.keras.metrics.Mean(name="train_loss")
train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="train_accuracy")
test_loss = tf.keras.metrics.Mean(name="test_loss")

history = []
for epoch in range(EPOCHS):
    train_loss.reset_states()
    train_accuracy.reset_states()
    test_loss.reset_states()

    for x_batch, y_batch in train_ds:
        with tf.GradientTape() as tape:
            probs = model(x_batch, training=True)
            loss = loss_object(y_batch, probs)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        train_loss(loss)
        train_accuracy.update_state(y_batch, probs)

    for x_batch, y_batch in test_ds:
        probs = model(x_batch, training=False)
        t_loss = loss_object(y_batch, probs)
        test_loss.update_state(t_loss)

    history.append(float(train_loss.result()))
    print(f"Epoch {epoch + 1}, Loss: {train_loss.result():.4f}, "
          f"Accuracy: {train_accuracy.result() * 100:.2f}, Test Loss: {test_loss.result():.4f}")
print("losses per epoch:", history)
