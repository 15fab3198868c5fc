# nnport-test: object=model input=N,8
"""ReLU layers with Keras 3's threshold and negative_slope: x * (x > threshold), then clipped to
[0, max_value], minus negative_slope * relu(threshold - x)."""
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(8,)),
    layers.Dense(12),
    layers.ReLU(threshold=0.3),
    layers.Dense(12),
    layers.ReLU(max_value=0.9, threshold=0.2),
    layers.Dense(12),
    layers.ReLU(max_value=0.7, negative_slope=0.1),
    layers.Dense(12),
    layers.ReLU(negative_slope=0.2, threshold=0.1),
    layers.Dense(12),
    layers.ReLU(max_value=0.6, negative_slope=0.05, threshold=0.15),
    layers.Dense(4),
])
