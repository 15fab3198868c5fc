// Internal to the Keras writer: the state of one lowering (graph -> layer records), shared by
// lower_graph.cc (driver, naming, dense/norm/activation ops), lower_spatial.cc (conv and
// pooling) and lower_tensor_ops.cc (shape, elementwise and reduction ops).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "pivot/graph.h"
#include "support/diagnostics.h"
#include "writers/keras/layer_record.h"

namespace nnport::writers::keras {

class Lowerer {
 public:
  Lowerer(const pivot::ModuleDef& module, bool tf_keras, DiagnosticEngine& diags);
  RecordList run();

 private:
  // --- values and names
  static std::string key(pivot::ValueId value) { return "v" + std::to_string(value); }
  const pivot::TensorType& type(pivot::ValueId value) const { return graph_.values.at(value).type; }
  std::string unique_layer_name(const std::string& base);
  std::string base_name(const pivot::Node& node) const;
  std::string cls(const std::string& pattern, size_t rank) const;  // "Conv{r}D" -> "Conv2D"

  // --- record builders
  // Appends a layer call. `share_role` distinguishes several layers made from one node;
  // a node whose module_path was seen before reuses that layer object.
  LayerRecord& add_layer(const pivot::Node& node, const std::string& class_name,
                         std::vector<Arg> args, std::vector<std::string> inputs, std::string output,
                         const std::string& share_role = "", const std::string& name_suffix = "");
  LayerRecord& add_op(const pivot::Node& node, OpCall op, std::vector<std::string> inputs,
                      std::string output);
  void add_todo(const pivot::Node& node, Code code, const std::string& message);
  void no_mapping(const pivot::Node& node, const std::string& message);
  void add_vars(LayerRecord& record, const pivot::Node& node);

  // --- per-family lowering; each returns after adding records or a TODO
  void lower_node(const pivot::Node& node);
  void lower_linear(const pivot::Node& node);
  void lower_embedding(const pivot::Node& node);
  void lower_batch_norm(const pivot::Node& node);
  void lower_activation(const pivot::Node& node);
  void lower_conv(const pivot::Node& node);
  void lower_pool(const pivot::Node& node);
  void lower_flatten(const pivot::Node& node);
  void lower_reshape_like(const pivot::Node& node);
  void lower_transpose(const pivot::Node& node);
  void lower_concat(const pivot::Node& node);
  void lower_binary(const pivot::Node& node);
  void lower_reduction(const pivot::Node& node);
  void lower_matmul(const pivot::Node& node);     // lower_tensor_ops.cc
  void lower_tensordot(const pivot::Node& node);  // lower_tensor_ops.cc
  // lower_attention.cc
  void lower_attention(const pivot::Node& node);
  void lower_layer_norm(const pivot::Node& node);
  void lower_stored_tensor(const pivot::Node& node);
  void lower_equal(const pivot::Node& node);
  // Keras attention_mask (N, 1, S) from a PyTorch key_padding_mask value; returns its key.
  std::string attention_mask(const pivot::Node& node, const std::string& padding);
  // Recurrent layers and the selects/concats reading their results (lower_recurrent.cc).
  void lower_recurrent(const pivot::Node& node);
  void lower_select(const pivot::Node& node);
  std::string final_state_from_sequence(const pivot::Node& node, const std::string& sequence);
  std::string state_from_sequence(const pivot::Node& node, const std::string& sequence,
                                  int64_t direction);
  std::string initial_state_row(const pivot::Node& node, pivot::ValueId state, int64_t row);
  void add_custom_class(
      const std::string& name);  // the generated module defines it (custom_layers.h)
  // Slicing, stacking, tiling, maximum/minimum, L2 normalisation and reshapes that do not keep
  // the batch first (lower_indexing.cc).
  void lower_slice(const pivot::Node& node);
  void lower_stack(const pivot::Node& node);
  void lower_tile(const pivot::Node& node);
  void lower_extremum(const pivot::Node& node);
  void lower_math(const pivot::Node& node);  // square, sqrt, abs, exp, log
  void lower_l2_normalize(const pivot::Node& node);
  // lower_layer_breadth.cc: transposed/depthwise convs, GroupNorm, UpSampling, pads, PReLU and
  // the extra activations.
  void lower_conv_transpose(const pivot::Node& node);
  void lower_group_norm(const pivot::Node& node);
  void lower_resize(const pivot::Node& node);
  void lower_pad(const pivot::Node& node);
  void lower_prelu(const pivot::Node& node);
  void lower_pointwise_activation(const pivot::Node& node);
  // lower_block_shuffle.cc: depth_to_space / space_to_depth.
  void lower_block_shuffle(const pivot::Node& node);
  // DepthwiseConv2D when the conv is depthwise (groups == in_channels); false otherwise.
  bool lower_depthwise_conv(const pivot::Node& node, const std::string& input,
                            const std::string& padding);
  // A keras.ops.pad / tf.pad call with a PyTorch mode; "" (after a TODO) when Keras cannot.
  std::string mode_pad(const pivot::Node& node, const std::string& input,
                       const std::vector<int64_t>& pads, const std::string& mode, double value,
                       const std::string& output);
  // The conv's spatial pads filled per its padding_mode; returns the padded value's key or "".
  std::string conv_mode_pad(const pivot::Node& node, const std::vector<int64_t>& pads);
  // keras.ops.reshape / tf.reshape to the node's output shape with -1 for the one run-time
  // size; false when more than one size is only known at run time.
  bool reshape_op(const pivot::Node& node);
  // Emits a ZeroPadding layer when `pads` is non-zero; returns the key of the padded value.
  std::string zero_pad(const pivot::Node& node, const std::vector<int64_t>& pads, size_t rank);
  // A Reshape to the node's static output shape (batch first); false when not static.
  bool reshape_to_output(const pivot::Node& node, const std::string& input_key);

  // --- passes over the records
  void fuse_activations();
  void detect_sequential();

  const pivot::ModuleDef& module_;
  const pivot::Graph& graph_;
  bool tf_keras_;
  DiagnosticEngine& diags_;
  RecordList out_;
  std::set<std::string> used_names_;
  std::map<std::string, int> shared_;  // module_path + role -> owner record index
  int op_count_ = 0;
  std::set<const pivot::Node*> absorbed_;  // nodes already expressed by a recurrent layer's records
};

// Python keyword arguments with a JSON key equal to the keyword.
Arg kw(const std::string& name, ArgValue value);
// A JSON-only argument (a Keras default the Python leaves out).
Arg json_only(const std::string& key, ArgValue value);
// center= and scale= of the normalisation layers: always in the JSON, in the Python only when
// false (Keras defaults both to True).
void append_center_scale(std::vector<Arg>& args, bool center, bool scale);
// int when all entries are equal (Keras accepts either), else a tuple; JSON keeps the list.
Arg int_or_tuple(const std::string& name, const std::vector<int64_t>& values,
                 bool in_python = true);

}  // namespace nnport::writers::keras
