# nnport-test: object=model input=N,16,16,3
"""Conv2D padding="same" with stride 2 on even sizes: TensorFlow pads (0, 1) per spatial axis,
PyTorch's symmetric padding cannot express it. Also kernel 4 same stride 1 (pads 1 left, 2 right)."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(16, 16, 3)),
    layers.Conv2D(8, 3, strides=2, padding="same", activation="relu"),
    layers.Conv2D(8, 4, padding="same", activation="relu"),
    layers.Conv2D(12, (3, 5), strides=(2, 1), padding="same"),
    layers.GlobalAveragePooling2D(),
    layers.Dense(3),
])
