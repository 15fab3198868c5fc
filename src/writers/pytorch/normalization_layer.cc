#include "writers/pytorch/normalization_layer.h"

#include "pivot/ops/catalog.h"
#include "writers/keras/python_literal.h"

namespace nnport::writers::pytorch {
namespace {

// keras/src/layers/preprocessing/normalization.py: call() computes (x - mean) /
// maximum(sqrt(variance), epsilon) in float32 with epsilon = backend.epsilon() = 1e-7; adapt()
// of a NumPy array takes np.mean and np.var (biased) over every axis but the kept one, in the
// array's precision, then stores them in the float32 variables. `count` is the int64 variable
// Keras keeps for older weights files.
constexpr std::string_view kKerasNormalization = R"py(class KerasNormalization(nn.Module):
    """Keras Normalization with statistics learned by adapt(): (x - mean) / max(sqrt(variance),
    1e-7) per feature along `axis` (x * max(sqrt(variance), 1e-7) + mean with invert=True).
    mean, variance and Keras' sample count are buffers: in the state_dict, not trained."""

    def __init__(self, num_features, axis=-1, invert=False):
        super().__init__()
        self.axis = axis
        self.invert = invert
        self.register_buffer("mean", torch.zeros(num_features))
        self.register_buffer("variance", torch.ones(num_features))
        self.register_buffer("count", torch.zeros((), dtype=torch.int64))

    @torch.no_grad()
    def adapt(self, data):
        """The mean and the biased variance of `data` (all samples, e.g. a NumPy array) over
        every axis but `axis`, computed in float64 and stored as float32, as Keras' adapt()."""
        data = torch.as_tensor(data, dtype=torch.float64)
        axis = self.axis % data.dim()
        dims = [d for d in range(data.dim()) if d != axis]
        self.mean.copy_(data.mean(dims))
        self.variance.copy_(data.var(dims, unbiased=False))

    def forward(self, x):
        shape = [1] * x.dim()
        shape[self.axis] = -1  # the statistics broadcast along `axis`
        mean = self.mean.view(shape)
        std = self.variance.sqrt().clamp(min=1e-7).view(shape)
        return mean + x * std if self.invert else (x - mean) / std
)py";

}  // namespace

bool is_adapted_normalization(const pivot::Node& node) {
  return node.kind == pivot::OpKind::Standardize && node.params.count("mean") > 0;
}

frameworks::pytorch::Spelling adapted_normalization_spelling(const pivot::Node& node) {
  frameworks::pytorch::Spelling s;
  s.callee = "KerasNormalization";
  s.args.push_back({"", std::to_string(pivot::attr_int(node, "num_features"))});
  const int64_t axis = pivot::attr_int(node, "axis");
  if (axis != -1) s.args.push_back({"axis", std::to_string(axis)});
  if (pivot::attr_bool(node, "invert")) s.args.push_back({"invert", "True"});
  return s;
}

std::string_view adapted_normalization_class_source(std::string_view name) {
  return name == "KerasNormalization" ? kKerasNormalization : "";
}

std::vector<std::string> adapt_lines(const std::string& model, const std::string& module_path,
                                     const std::string& data) {
  // The layer attribute as the writer names a module path (module_tree.h): one identifier per
  // dotted part.
  std::string ref = model;
  size_t start = 0;
  while (start <= module_path.size()) {
    const size_t dot = std::min(module_path.find('.', start), module_path.size());
    ref += "." + writers::keras::python_identifier(module_path.substr(start, dot - start));
    start = dot + 1;
  }
  return {"# Keras Normalization.adapt(): the layer's mean and variance from the data.",
          ref + ".adapt(" + data + ")"};
}

}  // namespace nnport::writers::pytorch
