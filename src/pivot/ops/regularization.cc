// Ops that only act in training.
#include "pivot/ops/catalog.h"

namespace nnport::pivot {

void register_regularization_ops(std::vector<OpSchema>& out) {
  out.push_back(SchemaBuilder(OpKind::Dropout, "Zeroes elements at random in training")
                    .doc("Identity in inference. Scales kept elements by 1/(1-rate) in training.")
                    .attr("rate", AttrType::Float, 0.5, "probability of dropping an element")
                    .attr("spatial", AttrType::Bool, false,
                          "drop whole channels (Dropout1d/2d/3d, Keras SpatialDropout)")
                    .build());
  out.push_back(
      SchemaBuilder(OpKind::RandomAugment, "A random image augmentation, applied in training only")
          .doc("Identity in inference, as Keras' RandomFlip, RandomRotation, RandomZoom, "
               "RandomTranslation and RandomContrast layers are. In training, `flip` mirrors each "
               "sample at random along the width (`horizontal`), the height (`vertical`) or both, "
               "each with probability 1/2; the other transforms are only described by `layer` "
               "and `config`.")
          .attr("transform", AttrType::String, std::string("flip"),
                "flip, rotation, zoom, translation or contrast")
          .attr("mode", AttrType::String, std::string("horizontal_and_vertical"),
                "flip axes: horizontal, vertical or horizontal_and_vertical")
          .attr("data_format", AttrType::String, std::string("channels_last"),
                "where the channel axis of the image batch is")
          .attr("layer", AttrType::String, std::string(""), "the source layer class")
          .attr("config", AttrType::String, std::string(""),
                "the source layer's arguments as written (transforms other than flip)")
          .build());
}

}  // namespace nnport::pivot
