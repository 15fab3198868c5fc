// TensorFlow.js versions of the custom layers nnport writes around recurrent layers that read a
// pack_padded_sequence (src/writers/keras/custom_layers.cc). These are OUR transcriptions of
// nnport's own Python classes, not Google's code:
//   - SequenceMask([x, lengths]): x with padded steps zeroed, and the mask steps < lengths, which
//     TensorFlow.js' executor hands to the next layer as kwargs.mask (LSTM, SimpleRNN,
//     Bidirectional and the GRU transcription in keras_custom.mjs skip masked steps).
//   - ZeroPaddedSteps([sequence, lengths]): padded steps zeroed; no mask after it.

function lengthMask(tf, x, lengths) {
  return tf.tidy(() => tf.less(tf.range(0, x.shape[1], 1, 'int32').expandDims(0),
                               tf.cast(lengths, 'int32').expandDims(1)));
}

function zeroPadded(tf, inputs) {
  return tf.tidy(() => {
    const [x, lengths] = inputs;
    return tf.mul(x, tf.cast(lengthMask(tf, x, lengths), x.dtype).expandDims(2));
  });
}

export function makeRecurrentLayers(tf) {
  class SequenceMask extends tf.layers.Layer {
    constructor(config) {
      super(config);
      this.supportsMasking = true;
    }
    computeOutputShape(inputShape) { return inputShape[0]; }
    call(inputs) { return zeroPadded(tf, inputs); }
    // Only at run time: the symbolic model is built without masks in TensorFlow.js.
    computeMask(inputs) {
      if (!(inputs[0] instanceof tf.Tensor)) return null;
      return lengthMask(tf, inputs[0], inputs[1]);
    }
  }
  SequenceMask.className = 'SequenceMask';

  class ZeroPaddedSteps extends tf.layers.Layer {
    constructor(config) {
      super(config);
      this.supportsMasking = true;
    }
    computeOutputShape(inputShape) { return inputShape[0]; }
    call(inputs) { return zeroPadded(tf, inputs); }
    computeMask() { return null; }
  }
  ZeroPaddedSteps.className = 'ZeroPaddedSteps';
  return [SequenceMask, ZeroPaddedSteps];
}
