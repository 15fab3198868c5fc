// Keras preprocessing layers for random training transforms (see script_augmentation.h).
#include "writers/keras/script_augmentation.h"

#include "writers/keras/python_literal.h"
#include "writers/keras/script_setup.h"

namespace nnport::writers::keras {
namespace {

using pivot::SetupValue;
using K = SetupValue::Kind;

std::optional<double> number(const pivot::SetupArgs& args, const std::string& name) {
  auto it = args.find(name);
  if (it == args.end()) return std::nullopt;
  if (it->second.kind == K::Int) return static_cast<double>(it->second.i);
  if (it->second.kind == K::Float) return it->second.f;
  return std::nullopt;
}

bool is(const pivot::SetupArgs& args, const std::string& name, const std::string& literal) {
  auto it = args.find(name);
  return it == args.end() || setup_literal(it->second) == literal;
}

}  // namespace

AugmentationSpelling augmentation_layers(const std::vector<pivot::DataTransform>& transforms,
                                         const std::string& keras) {
  AugmentationSpelling s;
  const std::string layers = keras + ".layers.";
  for (const auto& t : transforms) {
    if (!t.training_only) continue;
    const auto& a = t.args;
    if (t.kind == "random_flip") {
      s.names.push_back("RandomHorizontalFlip");
      // Keras flips each image with probability 1/2.
      if (auto p = number(a, "p"); p && *p != 0.5) {
        s.problem =
            "RandomHorizontalFlip(p=" + python_float(*p) + "): Keras' RandomFlip flips half";
        return s;
      }
      s.layers.push_back(layers + "RandomFlip(\"horizontal\")");
    } else if (t.kind == "random_crop") {
      s.names.push_back("RandomCrop");
      const std::string h = a.count("height") ? setup_literal(a.at("height")) : "";
      const std::string w = a.count("width") ? setup_literal(a.at("width")) : "";
      auto fill = number(a, "fill");
      if (h.empty() || w.empty() || !is(a, "padding_mode", "\"constant\"") ||
          !is(a, "pad_if_needed", "False") || (fill && *fill != 0)) {
        s.problem = "RandomCrop with other than a constant zero padding has no Keras layers";
        return s;
      }
      // torchvision pads the image (zeros: black pixels, before ToTensor) and crops a window
      // at a uniformly drawn offset: ZeroPadding2D then RandomCrop.
      const SetupValue padding = a.count("padding") ? a.at("padding") : SetupValue::expr("None");
      if (padding.kind == K::Int && padding.i > 0)
        s.layers.push_back(layers + "ZeroPadding2D(" + setup_literal(padding) + ")");
      else if (!(padding.kind == K::Expr && padding.text == "None") &&
               !(padding.kind == K::Int && padding.i == 0)) {
        s.problem = "RandomCrop(padding=" + setup_literal(padding) +
                    "): only one padding for every side maps";
        return s;
      }
      s.layers.push_back(layers + "RandomCrop(" + h + ", " + w + ")");
    } else if (t.kind == "random_rotation") {
      s.names.push_back("RandomRotation");
      const SetupValue degrees = a.count("degrees") ? a.at("degrees") : SetupValue{};
      std::string factor;
      if (degrees.kind == K::Int || degrees.kind == K::Float)
        factor = setup_literal(degrees) + " / 360";
      else if (degrees.kind == K::List && degrees.items.size() == 2)
        factor = "(" + setup_literal(degrees.items[0]) + " / 360, " +
                 setup_literal(degrees.items[1]) + " / 360)";
      auto fill = number(a, "fill");
      const bool nearest = is(a, "interpolation", "InterpolationMode.NEAREST") ||
                           is(a, "interpolation", "transforms.InterpolationMode.NEAREST");
      const bool bilinear = is(a, "interpolation", "InterpolationMode.BILINEAR") ||
                            is(a, "interpolation", "transforms.InterpolationMode.BILINEAR");
      if (factor.empty() || !is(a, "expand", "False") || !is(a, "center", "None") || !fill ||
          (!nearest && !bilinear)) {
        s.problem =
            "RandomRotation with expand, a centre or an interpolation other than nearest/bilinear "
            "has no Keras layer";
        return s;
      }
      // Both rotate counter-clockwise about the centre by an angle drawn uniformly; Keras'
      // factor is a fraction of a full turn.
      s.layers.push_back(layers + "RandomRotation(" + factor +
                         ", fill_mode=\"constant\", fill_value=" + python_float(*fill) +
                         ", interpolation=\"" + (nearest ? "nearest" : "bilinear") + "\")");
    } else {
      s.problem = "the random transform '" + t.kind + "' has no Keras layer yet";
      return s;
    }
  }
  return s;
}

std::vector<std::string> augmented_batches_class(const std::string& keras, Api api) {
  const bool keras3 = api == Api::Keras3;
  return {
      std::string("class ") + kAugmentedBatches + "(" + keras +
          (keras3 ? ".utils.PyDataset):" : ".utils.Sequence):"),
      "    \"\"\"Batches of images with the source's random training transforms (Keras layers),",
      "    then its ToTensor/Normalize (`scale`); reshuffled every epoch when `shuffle`.\"\"\"",
      "",
      "    def __init__(self, x, y, augment, scale, batch_size, shuffle):",
      "        super().__init__()",
      "        self.x, self.y = x, y",
      "        self.augment, self.scale = augment, scale",
      "        self.batch_size, self.shuffle = batch_size, shuffle",
      "        self.order = np.arange(len(x))",
      "        self.on_epoch_end()",
      "",
      "    def __len__(self):",
      "        return math.ceil(len(self.x) / self.batch_size)",
      "",
      "    def __getitem__(self, index):",
      "        rows = self.order[index * self.batch_size:(index + 1) * self.batch_size]",
      std::string("        images = ") +
          (keras3 ? keras + ".ops.convert_to_numpy(" : "np.asarray(") +
          "self.augment(self.x[rows], training=True))",
      "        return self.scale(images), self.y[rows]",
      "",
      "    def on_epoch_end(self):",
      "        if self.shuffle:",
      "            np.random.shuffle(self.order)",
      "",
      "",
  };
}

}  // namespace nnport::writers::keras
