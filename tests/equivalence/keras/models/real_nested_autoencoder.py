# nnport-test: object=autoencoder input=N,28,28,1
"""The functional API guide's "all models are callable": an encoder Model and a decoder Model,
each built with the functional API, called like layers inside an autoencoder Model."""
import keras
from keras import layers

encoder_input = keras.Input(shape=(28, 28, 1), name="original_img")
x = layers.Conv2D(8, 3, activation="relu")(encoder_input)
x = layers.Conv2D(8, 3, activation="relu")(x)
x = layers.MaxPooling2D(3)(x)
x = layers.Conv2D(8, 3, activation="relu")(x)
x = layers.Conv2D(4, 3, activation="relu")(x)
encoder_output = layers.GlobalMaxPooling2D()(x)

encoder = keras.Model(encoder_input, encoder_output, name="encoder")
encoder.summary()

decoder_input = keras.Input(shape=(4,), name="encoded_img")
x = layers.Reshape((2, 2, 1))(decoder_input)
x = layers.Conv2DTranspose(4, 3, activation="relu")(x)
x = layers.Conv2DTranspose(8, 3, activation="relu")(x)
x = layers.UpSampling2D(3)(x)
x = layers.Conv2DTranspose(8, 3, activation="relu")(x)
decoder_output = layers.Conv2DTranspose(1, 3, activation="relu")(x)

decoder = keras.Model(decoder_input, decoder_output, name="decoder")
decoder.summary()

autoencoder_input = keras.Input(shape=(28, 28, 1), name="img")
encoded_img = encoder(autoencoder_input)
decoded_img = decoder(encoded_img)
autoencoder = keras.Model(autoencoder_input, decoded_img, name="autoencoder")
autoencoder.summary()
