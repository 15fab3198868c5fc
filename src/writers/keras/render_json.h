// Renders the layer records as the model's JSON config in tf.keras 2.x `model.to_json()`
// format, the format TensorFlow.js `tf.models.modelFromJSON` reads.
//
// Ops without a Keras layer appear as tf.keras records them: a "TFOpLambda" layer whose config
// names the tf function ("math.reduce_mean") and whose single inbound node is NOT nested
// (`[name, node, tensor, kwargs]`, Keras' `_preserve_input_structure_in_config`), with the
// call's keyword arguments as kwargs. A scalar left operand is written as
// `["_CONSTANT_VALUE", -1, c, {"y": [name, node, tensor], ...}]` and a second tensor operand as
// kwarg `y: [name, node, tensor]`.
#pragma once

#include <nlohmann/json.hpp>

#include "writers/keras/layer_record.h"

namespace nnport::writers::keras {

nlohmann::json render_config(const RecordList& list);

}  // namespace nnport::writers::keras
