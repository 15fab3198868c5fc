# nnport-test: object=model input=N,30 range=-3,3 batch=8
"""
Title: Imbalanced classification: credit card fraud detection (in the style of the keras.io code
example)
Description: A Sequential MLP whose input size comes from the feature array
(keras.Input(shape=train_features.shape[1:])), features standardised with NumPy, trained with
class weights and a list of keras.metrics. The Kaggle CSV is replaced by random arrays of the
same layout (30 features, a rare positive class).
"""
import numpy as np
import keras
from keras import layers

"""
## First, vectorize the CSV data
"""

rng = np.random.default_rng(1337)
all_features = rng.normal(size=(2848, 30)).astype("float32")
all_targets = (rng.uniform(size=(2848, 1)) < 0.002).astype("uint8")

print("features.shape:", all_features.shape)
print("targets.shape:", all_targets.shape)

"""
## Prepare a validation set
"""

num_val_samples = int(len(all_features) * 0.2)
train_features = all_features[:-num_val_samples]
train_targets = all_targets[:-num_val_samples]
val_features = all_features[-num_val_samples:]
val_targets = all_targets[-num_val_samples:]

print("Number of training samples:", len(train_features))
print("Number of validation samples:", len(val_features))

"""
## Analyze class imbalance in the targets
"""

counts = np.bincount(train_targets[:, 0])
print(
    "Number of positive samples in training data: {} ({:.2f}% of total)".format(
        counts[1], 100 * float(counts[1]) / len(train_targets)
    )
)

weight_for_0 = 1.0 / counts[0]
weight_for_1 = 1.0 / max(counts[1], 1)

"""
## Normalize the data using training set statistics
"""

mean = np.mean(train_features, axis=0)
train_features -= mean
val_features -= mean
std = np.std(train_features, axis=0)
train_features /= std
val_features /= std

"""
## Build a binary classification model
"""

model = keras.Sequential(
    [
        keras.Input(shape=train_features.shape[1:]),
        layers.Dense(256, activation="relu"),
        layers.Dense(256, activation="relu"),
        layers.Dropout(0.3),
        layers.Dense(256, activation="relu"),
        layers.Dropout(0.3),
        layers.Dense(1, activation="sigmoid"),
    ]
)
model.summary()

"""
## Train the model with `class_weight` argument
"""

metrics = [
    keras.metrics.FalseNegatives(name="fn"),
    keras.metrics.FalsePositives(name="fp"),
    keras.metrics.TrueNegatives(name="tn"),
    keras.metrics.TruePositives(name="tp"),
    keras.metrics.Precision(name="precision"),
    keras.metrics.Recall(name="recall"),
]

model.compile(
    optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy", metrics=metrics
)

callbacks = [keras.callbacks.ModelCheckpoint("fraud_model_at_epoch_{epoch}.keras")]
class_weight = {0: weight_for_0, 1: weight_for_1}

model.fit(
    train_features,
    train_targets,
    batch_size=2048,
    epochs=30,
    verbose=2,
    callbacks=callbacks,
    validation_data=(val_features, val_targets),
    class_weight=class_weight,
)
