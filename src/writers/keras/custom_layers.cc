// Custom Keras layer classes for generated modules. Each holds a source-model tensor
// (register_buffer / nn.Parameter) as a weight named "value", so model.load_weights fills it
// from the converted checkpoint (Keras 3 key layers/<snake_case(class)>/vars/0) instead of
// recomputing it. tests/equivalence/oracle/keras_custom.mjs mirrors these classes for
// TensorFlow.js; keep the two in step.
#include "writers/keras/custom_layers.h"

#include <array>

namespace nnport::writers::keras {
namespace {

struct CustomLayer {
  std::string_view name;
  std::string_view body;  // class body after the decorator line; {keras} = "keras" | "tf.keras"
};

constexpr std::array kLayers = {
    CustomLayer{"AddParameter", R"(class AddParameter(layers.Layer):
    """Adds a stored tensor (a PyTorch buffer or parameter such as a positional encoding).

    The tensor is aligned with the trailing axes of the input and broadcast over the others;
    with `slice_axis`, only its first `length` entries along that axis are used, where `length`
    is the input's size there (PyTorch: `x + self.pe[:, :x.size(1)]`). With `perm`, the tensor
    keeps the layout of the source model and its axes are permuted after slicing: a
    sequence-first (T, 1, E) PyTorch buffer added to batch-first (N, T, E) inputs has
    perm=(1, 0, 2). trainable=False: a constant of the source (a PyTorch register_buffer).
    """

    def __init__(self, shape, slice_axis=None, perm=None, **kwargs):
        super().__init__(**kwargs)
        self.value_shape = tuple(shape)
        self.slice_axis = slice_axis
        self.perm = None if perm is None else tuple(perm)

    def build(self, input_shape):
        self.value = self.add_weight(
            name="value", shape=self.value_shape, initializer="zeros", trainable=self.trainable
        )

    def call(self, inputs):
        value = self.value
        if self.slice_axis is not None:
            lands = self.slice_axis if self.perm is None else self.perm.index(self.slice_axis)
            offset = len(inputs.shape) - len(self.value_shape)
            length = inputs.shape[offset + lands]
            value = value[(slice(None),) * self.slice_axis + (slice(0, length),)]
        if self.perm is not None:
            value = {ops}.transpose(value, self.perm)
        return inputs + value

    def get_config(self):
        config = super().get_config()
        config.update({"shape": list(self.value_shape), "slice_axis": self.slice_axis})
        if self.perm is not None:
            config["perm"] = list(self.perm)
        return config
)"},
    CustomLayer{"PrependParameter", R"(class PrependParameter(layers.Layer):
    """Prepends a stored (1, K, E) tensor to every sample (a ViT class token):
    concat([broadcast(value, (batch, K, E)), inputs], axis=1)."""

    def __init__(self, shape, **kwargs):
        super().__init__(**kwargs)
        self.value_shape = tuple(shape)

    def build(self, input_shape):
        self.value = self.add_weight(
            name="value", shape=self.value_shape, initializer="zeros", trainable=self.trainable
        )

    def call(self, inputs):
        tokens = {ops}.broadcast_to(self.value, ({ops}.shape(inputs)[0],) + self.value_shape[1:])
        return {ops}.concatenate([tokens, inputs], axis=1)

    def get_config(self):
        config = super().get_config()
        config.update({"shape": list(self.value_shape)})
        return config
)"},
    // Recurrent layers over pack_padded_sequence(x, lengths) (writers/keras/lower_recurrent.cc).
    CustomLayer{"SequenceMask", R"(class SequenceMask(layers.Layer):
    """Marks the steps of each sequence past its length as padding (PyTorch:
    pack_padded_sequence(x, lengths)). Called on [x, lengths] (x: (batch, steps, features)), it
    returns x with the mask steps < lengths, which recurrent layers follow: they skip masked
    steps, keeping their state. Masked steps of x are zeroed (they are never read).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        x, lengths = inputs
        keep = {ops}.cast(self.compute_mask(inputs), x.dtype)
        return x * keep[:, :, None]

    def compute_mask(self, inputs, mask=None):
        x, lengths = inputs
        steps = {ops}.arange({ops}.shape(x)[1])
        return {ops}.less(steps[None, :], {ops}.cast(lengths, "int32")[:, None])
)"},
    CustomLayer{"ZeroPaddedSteps", R"(class ZeroPaddedSteps(layers.Layer):
    """Zeroes the steps of each sequence past its length, as PyTorch's pad_packed_sequence
    output is (Keras recurrent layers repeat their last output at masked steps), and ends the
    mask. Called on [sequence, lengths].
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        x, lengths = inputs
        steps = {ops}.arange({ops}.shape(x)[1])
        keep = {ops}.less(steps[None, :], {ops}.cast(lengths, "int32")[:, None])
        return x * {ops}.cast(keep, x.dtype)[:, :, None]

    def compute_mask(self, inputs, mask=None):
        return None
)"},
};

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

}  // namespace

std::string custom_layer_source(std::string_view class_name, bool tf_keras) {
  for (const auto& layer : kLayers) {
    if (layer.name != class_name) continue;
    const std::string decorator =
        tf_keras ? "@tf.keras.utils.register_keras_serializable(package=\"nnport\")\n"
                 : "@keras.saving.register_keras_serializable(package=\"nnport\")\n";
    std::string body = replace_all(std::string(layer.body), "{ops}", tf_keras ? "tf" : "keras.ops");
    if (tf_keras) body = replace_all(body, "tf.concatenate(", "tf.concat(");
    if (tf_keras) body = replace_all(body, "tf.arange(", "tf.range(");
    return decorator + body;
  }
  return {};
}

}  // namespace nnport::writers::keras
