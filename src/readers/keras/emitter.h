// The emitter of one built-in Keras layer call (layer_calls.cc, sequence_calls.cc): Keras
// constructor arguments in, pivot nodes and parameters out. Internal to the Keras reader.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "frameworks/keras/layer_table.h"
#include "frameworks/keras/reader_rows.h"
#include "pivot/ops/catalog.h"
#include "readers/keras/layer_args.h"

namespace nnport::readers::keras {

using pivot::OpKind;
using pivot::ValueId;

// The inverse of a permutation (canonical = keras.permute(inverse(keras_perm))).
inline std::vector<int64_t> inverse(const std::vector<int64_t>& p) {
  std::vector<int64_t> inv(p.size());
  for (size_t i = 0; i < p.size(); ++i) inv[static_cast<size_t>(p[i])] = static_cast<int64_t>(i);
  return inv;
}

class Emitter {
 public:
  Emitter(Interpreter& in, Layer& layer, const std::vector<ValueId>& inputs,
          const std::vector<std::pair<std::string, Value>>& call_kwargs, Node site,
          const std::string& path)
      : in_(in),
        layer_(layer),
        args_(in, layer),
        inputs_(inputs),
        call_kwargs_(call_kwargs),
        site_(site),
        path_(path) {}

  std::vector<ValueId> run(const frameworks::keras::ReaderRow& row);

 private:
  const pivot::TensorType& in_type(size_t i = 0) const { return in_.type_of(inputs_.at(i)); }
  ValueId node(OpKind kind, pivot::Attrs attrs, std::vector<ValueId> inputs,
               const std::string& suffix = "", std::map<std::string, pivot::ParamId> params = {}) {
    auto outs =
        in_.add_node(kind, std::move(attrs), std::move(inputs), site_, layer_.name + suffix, path_);
    if (!params.empty()) in_.ctx().graph.nodes.back().params = std::move(params);
    return outs[0];
  }
  // The layer's parameter for `role`, created on the first call.
  pivot::ParamId param(const std::string& role, std::vector<int64_t> shape,
                       std::vector<int64_t> source_perm, const std::string& variable,
                       const std::string& sublayer = "",
                       std::vector<pivot::WeightTransform> transforms = {}) {
    if (auto it = layer_.params.find(role); it != layer_.params.end()) return it->second;
    pivot::Param p;
    p.name = layer_.name + "/" + variable;  // renamed by name_parameters
    p.shape = std::move(shape);
    p.source_perm = std::move(source_perm);
    p.transforms = std::move(transforms);
    const auto id = in_.ctx().graph.add_param(std::move(p));
    layer_.params[role] = id;
    layer_.vars.push_back(VarRef{id, sublayer, variable});
    regularize(id, variable, sublayer);
    return id;
  }
  // The layer's weight penalty (kernel_regularizer=...) for Keras variable `variable`, on the
  // parameter (regularizers.cc).
  void regularize(pivot::ParamId id, const std::string& variable, const std::string& sublayer);

 public:
  // Reports the regularizer arguments no parameter took (activity_regularizer, a wrapped
  // layer's): never a silently different training loss. Called after run().
  void check_regularizers();

 private:
  // source_perm of a Keras variable from its row in the pivot -> Keras table.
  std::vector<int64_t> perm_of(OpKind kind, const std::string& role, size_t rank) {
    if (const auto* row = frameworks::keras::find_row(kind))
      for (const auto& var : row->vars)
        if (var.role == role) return inverse(frameworks::keras::permutation(var.perm, rank));
    return {};
  }
  std::optional<size_t> channel_axis(const pivot::TensorType& t, bool channels_first) const {
    if (!t.rank_known || t.rank() < 2) return std::nullopt;
    return channels_first ? size_t{1} : t.rank() - 1;
  }
  bool channels_first() {
    return args_.string(-1, {"data_format"}, "channels_last") == "channels_first";
  }
  ValueId with_activation(ValueId x, const std::string& name);
  std::vector<int64_t> spatial_pads(const std::string& padding, const std::vector<int64_t>& k,
                                    const std::vector<int64_t>& s, const std::vector<int64_t>& d,
                                    bool cf);
  bool require_rank(size_t rank) {
    if (in_type().rank_known && in_type().rank() == rank) return true;
    in_.ctx().diags->error(Code::ShapeMismatch, in_.loc(site_))
        << layer_.cls << " expects a rank-" << rank << " input (batch included)";
    return false;
  }
  void check_mask(const char* why) {
    for (auto v : inputs_)
      if (std::find(in_.ctx().masked.begin(), in_.ctx().masked.end(), v) != in_.ctx().masked.end())
        in_.ctx().diags->error(Code::UnsupportedArgument, in_.loc(site_))
            << layer_.cls << " reads the mask of Embedding(mask_zero=True) or Masking, which "
            << why << "; nnport does not reproduce Keras masks (conventions row 13)";
  }

  // Keras attention_mask (N, 1, S), True = attend, written as expand_dims(logical_not(m), 1):
  // the pivot key padding mask m (True = hide).
  std::optional<ValueId> padding_mask(ValueId mask) {
    const auto& g = in_.ctx().graph;
    const int p = g.producer(mask);
    if (p < 0) return std::nullopt;
    const auto& n = g.nodes[static_cast<size_t>(p)];
    if (n.kind != OpKind::Unsqueeze || pivot::attr_ints(n, "axes") != std::vector<int64_t>{1})
      return std::nullopt;
    auto it = in_.ctx().negation_of.find(n.inputs[0]);
    if (it == in_.ctx().negation_of.end()) return std::nullopt;
    return it->second;
  }
  std::vector<ValueId> dense();
  std::vector<ValueId> conv(int rank, bool transpose);
  std::vector<ValueId> depthwise(int rank);
  std::vector<ValueId> separable(int rank);
  std::vector<ValueId> pool(OpKind kind, int rank);
  std::vector<ValueId> normalization();
  std::vector<ValueId> masking();
  std::vector<ValueId> adapted_normalization(int64_t axis, bool invert);
  std::vector<ValueId> random_augment();  // augmentation_layers.cc
  std::vector<ValueId> global_pool(OpKind kind, int rank);
  std::vector<ValueId> batch_norm();
  std::vector<ValueId> layer_norm();
  std::vector<ValueId> group_norm();
  std::vector<ValueId> recurrent(OpKind kind, const Layer& config, bool bidirectional,
                                 const std::string& merge_mode);
  std::vector<ValueId> bidirectional();
  std::vector<ValueId> time_distributed();
  std::vector<ValueId> attention();
  std::vector<ValueId> merge(OpKind kind);
  std::vector<ValueId> dot();  // dot_layer.cc
  std::vector<ValueId> zero_padding(int rank);
  std::vector<ValueId> cropping(int rank);
  std::vector<ValueId> activation_layer(const frameworks::keras::ReaderRow& row);

  std::set<std::string> regularized_;  // the *_regularizer arguments taken by a parameter
  Interpreter& in_;
  Layer& layer_;
  LayerArgs args_;
  const std::vector<ValueId>& inputs_;
  const std::vector<std::pair<std::string, Value>>& call_kwargs_;
  Node site_;
  std::string path_;
};

}  // namespace nnport::readers::keras
