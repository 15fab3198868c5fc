# nnport-test: object=model input=N,256,3
"""
Title: Point cloud classification with PointNet (in the style of the keras.io code example)
Description: PointNet for ModelNet10 classification: conv_bn / dense_bn helpers (Conv1D with
kernel 1, BatchNormalization(momentum=0.0)), T-Net transforms whose last Dense starts at the
identity (bias_initializer=keras.initializers.Constant(np.eye(n).flatten())) with an orthogonal
activity regularizer class, applied with layers.Dot(axes=(2, 1)). The meshes sampled with trimesh
are replaced by random point clouds; NUM_POINTS is 256 here (2048 in the example).
"""
import os
import glob
import numpy as np
import keras
from keras import layers

keras.utils.set_random_seed(seed=42)

"""
## Load dataset
"""

NUM_POINTS = 256
NUM_CLASSES = 10
BATCH_SIZE = 32

CLASS_MAP = {i: "class_%d" % i for i in range(NUM_CLASSES)}


def parse_dataset(num_points=2048):
    train_points = np.random.uniform(-1.0, 1.0, size=(200, num_points, 3))
    train_labels = np.random.randint(0, NUM_CLASSES, size=(200,))
    test_points = np.random.uniform(-1.0, 1.0, size=(50, num_points, 3))
    test_labels = np.random.randint(0, NUM_CLASSES, size=(50,))
    return (
        np.array(train_points),
        np.array(test_points),
        np.array(train_labels),
        np.array(test_labels),
        CLASS_MAP,
    )


train_points, test_points, train_labels, test_labels, CLASS_MAP = parse_dataset(
    NUM_POINTS
)


def augment(points, label):
    # jitter points
    points += keras.random.uniform(points.shape, -0.005, 0.005, dtype="float64")
    # shuffle points
    points = keras.random.shuffle(points)
    return points, label


"""
### Build a model
"""


def conv_bn(x, filters):
    x = layers.Conv1D(filters, kernel_size=1, padding="valid")(x)
    x = layers.BatchNormalization(momentum=0.0)(x)
    return layers.Activation("relu")(x)


def dense_bn(x, filters):
    x = layers.Dense(filters)(x)
    x = layers.BatchNormalization(momentum=0.0)(x)
    return layers.Activation("relu")(x)


class OrthogonalRegularizer(keras.regularizers.Regularizer):
    def __init__(self, num_features, l2reg=0.001):
        self.num_features = num_features
        self.l2reg = l2reg
        self.eye = keras.ops.eye(num_features)

    def __call__(self, x):
        x = keras.ops.reshape(x, (-1, self.num_features, self.num_features))
        xxt = keras.ops.tensordot(x, x, axes=(2, 2))
        xxt = keras.ops.reshape(xxt, (-1, self.num_features, self.num_features))
        return keras.ops.sum(self.l2reg * keras.ops.square(xxt - self.eye))


def tnet(inputs, num_features):
    # Initialise bias as the identity matrix
    bias = keras.initializers.Constant(np.eye(num_features).flatten())
    reg = OrthogonalRegularizer(num_features)

    x = conv_bn(inputs, 32)
    x = conv_bn(x, 64)
    x = conv_bn(x, 512)
    x = layers.GlobalMaxPooling1D()(x)
    x = dense_bn(x, 256)
    x = dense_bn(x, 128)
    x = layers.Dense(
        num_features * num_features,
        kernel_initializer="zeros",
        bias_initializer=bias,
        activity_regularizer=reg,
    )(x)
    feat_T = layers.Reshape((num_features, num_features))(x)
    # Apply affine transformation to input features
    return layers.Dot(axes=(2, 1))([inputs, feat_T])


inputs = keras.Input(shape=(NUM_POINTS, 3))

x = tnet(inputs, 3)
x = conv_bn(x, 32)
x = conv_bn(x, 32)
x = tnet(x, 32)
x = conv_bn(x, 32)
x = conv_bn(x, 64)
x = conv_bn(x, 512)
x = layers.GlobalMaxPooling1D()(x)
x = dense_bn(x, 256)
x = layers.Dropout(0.3)(x)
x = dense_bn(x, 128)
x = layers.Dropout(0.3)(x)

outputs = layers.Dense(NUM_CLASSES, activation="softmax")(x)

model = keras.Model(inputs=inputs, outputs=outputs, name="pointnet")
model.summary()

"""
### Train model
"""

model.compile(
    loss="sparse_categorical_crossentropy",
    optimizer=keras.optimizers.Adam(learning_rate=0.001),
    metrics=["sparse_categorical_accuracy"],
)

model.fit(train_points, train_labels, batch_size=BATCH_SIZE, epochs=1,
          validation_data=(test_points, test_labels))
