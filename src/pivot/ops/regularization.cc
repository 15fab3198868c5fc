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
}

} // namespace nnport::pivot
