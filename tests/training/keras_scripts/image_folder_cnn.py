# nnport-training: data=images classes=3 size=16 train=48
"""Image classification from a folder of PNGs (one sub-folder per class) with a small CNN."""
import argparse
import os

import keras
from keras import layers

parser = argparse.ArgumentParser(description="Train a CNN on an image folder.")
parser.add_argument("--images", default=os.path.join(os.environ.get("DATA_DIR", "data"), "images"))
parser.add_argument("--epochs", type=int, default=2)
parser.add_argument("--plot", action="store_true", help="plot the training curve")
args = parser.parse_args()

train_ds = keras.utils.image_dataset_from_directory(args.images, image_size=(16, 16), batch_size=8, shuffle=True,
                                                    seed=1)
print("classes:", train_ds.class_names)

model = keras.Sequential([
    keras.Input(shape=(16, 16, 3)),
    layers.Rescaling(1.0 / 255),
    layers.Conv2D(8, 3, activation="relu"),
    layers.MaxPooling2D(),
    layers.Conv2D(8, 3, activation="relu"),
    layers.Flatten(),
    layers.Dense(3, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.002), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
history = model.fit(train_ds, epochs=args.epochs)
if args.plot:
    import matplotlib.pyplot as plt

    plt.plot(history.history["loss"])
    plt.savefig("loss.png")
model.save_weights("cnn.weights.h5")
