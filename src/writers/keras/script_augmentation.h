// The source's random training transforms (torchvision RandomCrop, RandomHorizontalFlip,
// RandomRotation) as Keras preprocessing layers, applied batch by batch to the training images
// while fit trains: a keras.utils.PyDataset (tf.keras: Sequence) yields each batch augmented,
// then scaled/normalised as the source's ToTensor/Normalize do after the random transforms.
// The random draws are Keras', not torchvision's: the distribution is the same, the batches are
// not (a training-convention warning says so).
#pragma once

#include <string>
#include <vector>

#include "pivot/training.h"
#include "writers/keras/writer.h"

namespace nnport::writers::keras {

struct AugmentationSpelling {
  std::vector<std::string> layers;  // "keras.layers.RandomFlip(\"horizontal\")", ...
  std::vector<std::string> names;   // the source's transforms, for messages
  std::string problem;              // non-empty: no exact Keras layer for it
};

// The Keras layers of the training-only transforms, in order.
AugmentationSpelling augmentation_layers(const std::vector<pivot::DataTransform>& transforms,
                                         const std::string& keras);

// The batches class the script defines once (its name is kAugmentedBatches).
inline constexpr const char* kAugmentedBatches = "AugmentedBatches";
std::vector<std::string> augmented_batches_class(const std::string& keras, Api api);

}  // namespace nnport::writers::keras
