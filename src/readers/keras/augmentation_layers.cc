// Keras' random image augmentation layers (RandomFlip, RandomRotation, RandomZoom,
// RandomTranslation, RandomContrast), as keras.io examples put them at the head of a model. They
// are identity at inference and random in training; the pivot keeps them as one RandomAugment
// node so that the writer can reproduce the training behaviour, or refuse training, but never
// drop the layer silently.
#include <map>
#include <string>

#include "readers/keras/emitter.h"

namespace nnport::readers::keras {

std::vector<ValueId> Emitter::random_augment() {
  static const std::map<std::string, std::string> kTransforms = {
      {"RandomFlip", "flip"},
      {"RandomRotation", "rotation"},
      {"RandomZoom", "zoom"},
      {"RandomTranslation", "translation"},
      {"RandomContrast", "contrast"}};
  const auto known = kTransforms.find(layer_.cls);
  const std::string transform = known == kTransforms.end() ? "" : known->second;
  const bool cf = channels_first();
  pivot::Attrs attrs = {{"transform", transform},
                        {"data_format", std::string(cf ? "channels_first" : "channels_last")},
                        {"layer", layer_.cls},
                        {"config", layer_.text}};
  if (transform == "flip") {
    const std::string mode = args_.string(0, {"mode"}, "horizontal_and_vertical");
    if (mode != "horizontal" && mode != "vertical" && mode != "horizontal_and_vertical") {
      args_.reject("mode", "'" + mode + "' is not a RandomFlip mode");
      return {};
    }
    attrs["mode"] = mode;
  } else {
    // Only the flip has a counterpart nnport writes; the others stay exact at inference.
    in_.ctx().diags->warning(Code::TrainingOnly, in_.loc(site_))
        << "layers." << layer_.cls << " is identity at inference, as in Keras, but its random "
        << "transform is not migrated: the migrated model refuses to run it in training mode "
           "(apply the transform in the data pipeline instead)";
  }
  // A batch of images: (N, H, W, C) or (N, C, H, W).
  if (!require_rank(4)) return {};
  return {node(OpKind::RandomAugment, std::move(attrs), {inputs_[0]})};
}

}  // namespace nnport::readers::keras
