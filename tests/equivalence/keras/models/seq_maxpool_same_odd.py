# nnport-test: object=model input=N,9,11,2
"""MaxPooling2D padding="same" on odd sizes with stride 2 (padding only on the bottom/right,
where TensorFlow's max ignores it), then a strided valid pool."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(9, 11, 2)),
    layers.Conv2D(4, 3, padding="same"),
    layers.MaxPooling2D(pool_size=3, strides=2, padding="same"),
    layers.MaxPooling2D(pool_size=(2, 3), strides=(1, 2)),
    layers.Flatten(),
    layers.Dense(3),
])
