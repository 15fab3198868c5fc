// Where Keras puts each layer: the order of `model.layers` (Keras' depth-first map of the
// functional graph) and the group names a Keras 3 `.weights.h5` file uses for them.
//
// Keras 3 saving_lib (`_save_container_state`) names each layer of `model.layers` by its
// snake-cased CLASS name, numbered per class in list order ("dense", "dense_1"), never by the
// layer's `name`; a layer's tensors are "layers/<that>/vars/<i>" in the order
// `_trainable_variables + _non_trainable_variables`.
#pragma once

#include <string>
#include <vector>

#include "pivot/weight_plan.h"
#include "writers/keras/layer_record.h"

namespace nnport::writers::keras {

// Record indices of the layer objects in `model.layers` order. Sequential models list no
// InputLayer; functional models do. In Keras 3 an op record is an Operation, not a layer; in
// tf.keras (`tf_op_lambda_layers`) it is a TFOpLambda layer.
std::vector<size_t> model_layer_order(const RecordList& list, bool tf_op_lambda_layers);

// Index-aligned with model_layer_order: "dense", "dense_1", "conv2d", ...
std::vector<std::string> weights_file_keys(const RecordList& list,
                                           const std::vector<size_t>& order);

pivot::WeightPlan make_weight_plan(const RecordList& list, bool tf_keras);

}  // namespace nnport::writers::keras
