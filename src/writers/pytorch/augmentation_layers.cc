#include "writers/pytorch/augmentation_layers.h"

#include "pivot/ops/catalog.h"
#include "writers/keras/python_literal.h"

namespace nnport::writers::pytorch {
namespace {

// Keras 3 RandomFlip draws one flip per sample and per axis, each with probability 1/2
// (keras/src/layers/preprocessing/image_preprocessing/random_flip.py).
constexpr std::string_view kRandomFlip = R"py(class RandomFlip(nn.Module):
    """Keras RandomFlip: in training, each sample is mirrored along each of `dims` with
    probability 1/2; identity in eval mode, as in Keras at inference."""

    def __init__(self, dims):
        super().__init__()
        self.dims = tuple(dims)

    def forward(self, x):
        if not self.training:
            return x
        for dim in self.dims:
            flip = torch.rand(x.shape[0], device=x.device) < 0.5
            flip = flip.view((-1,) + (1,) * (x.dim() - 1))
            x = torch.where(flip, x.flip(dim), x)
        return x)py";

constexpr std::string_view kUnmigratedAugmentation = R"py(class UnmigratedAugmentation(nn.Module):
    """A Keras random augmentation layer nnport does not migrate (`config` is its source):
    identity in eval mode, as in Keras at inference; training mode raises rather than train
    without the augmentation. Apply the transform in the data pipeline and remove this layer."""

    def __init__(self, config):
        super().__init__()
        self.config = config

    def forward(self, x):
        if self.training:
            raise NotImplementedError(self.config + " is not migrated: apply it in the data pipeline")
        return x)py";

}  // namespace

bool is_augmentation(const pivot::Node& node) { return node.kind == pivot::OpKind::RandomAugment; }

frameworks::pytorch::Spelling augmentation_spelling(const pivot::Node& node) {
  frameworks::pytorch::Spelling s;
  if (pivot::attr_string(node, "transform") != "flip") {
    s.callee = "UnmigratedAugmentation";
    s.args.push_back({"", writers::keras::python_string(pivot::attr_string(node, "config"))});
    return s;
  }
  // Image axes of the stored layout: (N, C, H, W) or (N, H, W, C).
  const bool cf = pivot::attr_string(node, "data_format") == "channels_first";
  const std::string height = cf ? "2" : "1";
  const std::string width = cf ? "3" : "2";
  const std::string& mode = pivot::attr_string(node, "mode");
  std::string dims = mode == "horizontal" ? "(" + width + ",)"
                     : mode == "vertical" ? "(" + height + ",)"
                                          : "(" + width + ", " + height + ")";
  s.callee = "RandomFlip";
  s.args.push_back({"", dims});
  return s;
}

std::string_view augmentation_class_source(std::string_view name) {
  if (name == "RandomFlip") return kRandomFlip;
  if (name == "UnmigratedAugmentation") return kUnmigratedAugmentation;
  return "";
}

}  // namespace nnport::writers::pytorch
