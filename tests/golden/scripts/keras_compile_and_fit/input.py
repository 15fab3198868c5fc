# Keras -> PyTorch: a training helper that compiles and fits the model it is given (the
# TensorFlow time-series tutorial's compile_and_fit) becomes a PyTorch function with the same
# parameters and the conventional loop around the model passed in; window.train / window.val
# (made elsewhere) are iterated as batches, with a note; the call stays a call.
import tensorflow as tf

MAX_EPOCHS = 20


def compile_and_fit(model, window, patience=2):
  early_stopping = tf.keras.callbacks.EarlyStopping(monitor='val_loss',
                                                    patience=patience,
                                                    mode='min')

  model.compile(loss=tf.keras.losses.MeanSquaredError(),
                optimizer=tf.keras.optimizers.Adam(),
                metrics=[tf.keras.metrics.MeanAbsoluteError()])

  history = model.fit(window.train, epochs=MAX_EPOCHS,
                      validation_data=window.val,
                      callbacks=[early_stopping])
  return history


dense = tf.keras.Sequential([
    tf.keras.Input(shape=(6,)),
    tf.keras.layers.Dense(units=16, activation='relu'),
    tf.keras.layers.Dense(units=1),
])


def run(window):
  history = compile_and_fit(dense, window)
  return history.history['val_loss'][-1]
