// The forward() tracer class, shared by tracer.cc (statements, expressions, module calls) and
// tensor_ops.cc (tensor methods and torch functions). Internal to the reader.
#pragma once

#include <array>

#include "readers/pytorch/tracer.h"
#include "support/unique_names.h"

namespace nnport::readers::pytorch {

// Call arguments evaluated to abstract values.
struct CallArgs {
  std::vector<TValue> positional;
  std::vector<Node> positional_nodes;
  std::vector<std::pair<std::string, TValue>> keywords;
  std::vector<Node> keyword_nodes;

  const TValue* keyword(std::string_view name) const;
  // positional[index], else keyword `name`, else null.
  const TValue* get(size_t index, std::string_view name) const;
};

class Tracer {
 public:
  Tracer(Context& ctx, DiagnosticEngine& diags, InstancePtr self, pivot::ModuleDef& def);

  // Runs forward() (or the Sequential chain) and fills the graph; returns the input states.
  bool run(std::vector<TraceInput>& inputs, const std::vector<TValue>& const_args,
           bool& returns_tuple);

  // --- graph building (tracer.cc)
  TValue add_node(pivot::OpKind kind, const std::string& name_hint, const std::string& module_path,
                  std::vector<pivot::ValueId> inputs, pivot::Attrs attrs, Node where);
  TValue unsupported(Node where, Code code, const std::string& message,
                     std::vector<pivot::ValueId> inputs, bool report = true);
  std::optional<pivot::ValueId> as_tensor(const TValue& v, Node where);
  const pivot::TensorType& type_of(pivot::ValueId v) const { return g_.values[v].type; }
  // Shape of a tensor whose rank must be known; reports needs-input-shape otherwise.
  bool need_rank(pivot::ValueId v, Node where);

  // --- tensor ops (tensor_ops.cc)
  // Tensor method `name` on `self` (x.view(...)) or torch function with the tensor first;
  // nullopt when the name is not a tensor op nnport knows.
  std::optional<TValue> tensor_method(const std::string& name, const TValue& self,
                                      const CallArgs& args, Node call);
  std::optional<TValue> torch_function(const std::string& qualified, const CallArgs& args,
                                       Node call);
  TValue binary(pivot::OpKind kind, const TValue& a, const TValue& b, Node where);
  TValue apply_row(const frameworks::pytorch::OpRow& row, const TValue& input, const CallArgs& args,
                   size_t skip, Node call, const std::string& what);
  std::optional<int64_t> const_int(const TValue* v, Node where, const char* what);
  // a @ b, torch.matmul, torch.bmm (`batched`: both operands must be 3-D) between tensors.
  TValue matmul(const TValue& a, const TValue& b, Node where, bool batched);

  // --- attention masks (attention_masks.cc)
  // torch.ones / torch.full / torch.triu / torch.tril of constant sizes and
  // nn.Transformer.generate_square_subsequent_mask as a Mask; nullopt for other calls.
  std::optional<TValue> mask_function(const std::string& qualified, const CallArgs& args,
                                      Node call);
  TValue mask_method(const std::string& name, const TValue& mask, const CallArgs& args, Node call);
  // `ids == pad_idx` (an Equal node) and comparisons of a Mask; nullopt for other operands.
  std::optional<TValue> compare_values(std::string_view op, const TValue& a, const TValue& b,
                                       Node where);

  // --- recurrent layers (recurrent_call.cc)
  TValue apply_recurrent(const InstancePtr& module, const CallArgs& args, Node call);
  // Initial states of a recurrent call as batch-first pivot values; nullopt + `problem` when not
  // mappable.
  std::optional<std::vector<pivot::ValueId>> initial_states(const Instance& module,
                                                            const TValue& state, Node call,
                                                            std::string& problem);
  // torch.zeros(...) as an initial state; nullopt for other functions.
  std::optional<TValue> recurrent_torch_function(const std::string& qualified, const CallArgs& args,
                                                 Node call);
  TValue pack_padded(const CallArgs& args, Node call);
  // `self.attr = ...` in forward() where nothing in the class reads self.attr
  // (self_assignment.cc): the write cannot change an output.
  bool write_only_member(Node target);
  // --- initial-state factories (state_factories.cc): `next(self.parameters())` as a Param;
  // nullopt for other calls.
  std::optional<TValue> parameter_handle(Node call);
  // weight.new(...).zero_() / weight.new_zeros(...) / .data on a Param or Empty; nullopt when
  // obj is neither (Zeros methods stay in tracer.cc).
  std::optional<TValue> factory_method(const std::string& name, const TValue& obj,
                                       const CallArgs& args, Node call);
  TValue pad_packed(const CallArgs& args, Node call);
  // x[i], x[:, -1], x[-1, :, :]: constant ints and full slices only; nullopt for other forms.
  std::optional<TValue> select_index(const TValue& obj, const std::vector<Node>& subs, Node expr);

  // --- indexing, combining, casts and batch-folding reshapes (tensor_indexing.cc)
  // x[...] with constant ints, slices, None and Ellipsis; nullopt for other subscripts.
  std::optional<TValue> index_tensor(const TValue& obj, const std::vector<Node>& subs, Node expr);
  // Produced by a recurrent layer (possibly through transposes / selects): indexed by select.
  bool recurrent_result(pivot::ValueId v) const;
  std::optional<TValue> structure_function(const std::string& qualified, const CallArgs& args,
                                           Node call);
  std::optional<TValue> structure_method(const std::string& name, const TValue& self,
                                         const CallArgs& args, Node call);
  TValue reshape_to(const std::string& name, pivot::ValueId x, const std::vector<TValue>& dims,
                    Node call);
  // Size of axis `axis` of `v` as forward() sees it (a constant, the batch times a factor, or a
  // run-time size).
  TValue dim_value(pivot::ValueId v, size_t axis) const;
  // b * t, b // 2, ... on symbolic sizes; nullopt when neither operand is a size.
  std::optional<TValue> dim_arithmetic(const std::string& op, const TValue& a, const TValue& b);
  // --- containers, loops and comprehensions (forward_structure.cc)
  // The elements a for loop or comprehension visits; nullopt when not statically iterable.
  std::optional<std::vector<TValue>> iterate(const TValue& seq);
  TValue eval_comprehension(Node expr);
  TValue eval_dict(Node expr);
  // zip(...), enumerate(...), reversed(...); nullopt for other names.
  std::optional<TValue> iteration_builtin(const std::string& name, const CallArgs& args, Node call);
  // module_dict.items() / .keys() / .values(), module_list.__len__ ...; nullopt otherwise.
  std::optional<TValue> container_method(const TValue& obj, const std::string& name);
  // self.heads["cls"], a dict value by key; nullopt when obj is not keyed.
  std::optional<TValue> index_by_key(const TValue& obj, Node index_node);

  // --- stored tensors: nn.Parameter / buffers (stored_tensors.cc); nullopt when no operand is one
  TValue stored_member(const std::string& name, const std::vector<int64_t>& shape, bool buffer);
  std::optional<TValue> stored_permute(const std::string& name, const TValue& obj,
                                       const CallArgs& args, Node call);
  std::optional<TValue> stored_subscript(const TValue& obj, const std::vector<Node>& subs,
                                         Node expr);
  std::optional<TValue> stored_method(const std::string& name, const TValue& obj,
                                      const CallArgs& args, Node call);
  std::optional<TValue> stored_binary(const std::string& op, const TValue& a, const TValue& b,
                                      Node expr);
  std::optional<TValue> stored_function(const std::string& qualified, const CallArgs& args,
                                        Node call);

  // Carries the batch-times-factor knowledge of axis 0 through the node just added.
  void propagate_folded(const pivot::Node& node);
  std::map<pivot::ValueId, std::map<size_t, int64_t>> folded_;

 private:
  friend struct TracerAccess;
  bool run_block(Node block, int depth);
  bool run_statement(Node stmt, int depth);
  void assign(Node target, const TValue& value);
  TValue eval(Node expr);
  TValue eval_inner(Node expr);
  TValue eval_attribute(Node expr);
  TValue eval_subscript(Node expr);
  TValue eval_call(Node expr);
  TValue eval_binary(Node expr);
  TValue eval_compare(Node expr);
  CallArgs eval_args(Node args_node);
  TValue call_value(const TValue& callee, const CallArgs& args, Node call);
  TValue apply_module(const InstancePtr& module, const CallArgs& args, Node call);
  TValue apply_layer(const InstancePtr& module, pivot::ValueId input, Node call);
  // nn.MultiheadAttention (attention_trace.cc): returns (output, <attention weights: invalid>)
  TValue trace_attention(const InstancePtr& module, const CallArgs& args, Node call);
  // nn.TransformerEncoder(Layer) / nn.TransformerDecoder(Layer) composites (transformer_trace.cc)
  TValue trace_transformer(const InstancePtr& module, const CallArgs& args, Node call);
  // An encoder layer, or a decoder layer when `memory` is given (cross-attention over it).
  // `masks`: attn_mask and key_padding_mask of the self-attention, then of the cross-attention.
  pivot::ValueId trace_encoder_layer(const InstancePtr& layer, pivot::ValueId x,
                                     std::optional<pivot::ValueId> memory,
                                     const std::array<TValue, 4>& masks, Node call);
  TValue call_user(const InstancePtr& module, const CallArgs& args, Node call);
  TValue inline_function(Node def, bool is_method, const CallArgs& args, Node call);
  TValue builtin(const std::string& name, const CallArgs& args, Node call, bool& handled);
  void resolve_pending(pivot::Node& node);
  std::string unique_node_name(const std::string& base);

  Context& ctx_;
  DiagnosticEngine& diags_;
  InstancePtr self_;
  pivot::ModuleDef& def_;
  pivot::Graph& g_;
  std::map<std::string, TValue>* locals_ = nullptr;
  std::string self_name_ = "self";
  std::optional<TValue> returned_;
  std::set<pivot::ValueId> pending_;
  // Batch-first tensors standing for PackedSequences of full length (recurrent_call.cc).
  std::set<pivot::ValueId> packed_;
  // A packed sequence (or a recurrent output of one) -> its lengths tensor (N,), when the
  // lengths are a run-time tensor rather than statically the full length.
  std::map<pivot::ValueId, pivot::ValueId> packed_lengths_;
  std::map<pivot::ValueId, size_t> input_index_;
  std::vector<TraceInput>* inputs_ = nullptr;
  std::map<const Instance*, std::map<std::string, pivot::ParamId>> params_;
  UniqueNames node_names_;
  Node forward_def_;
  int depth_ = 0;
};

}  // namespace nnport::readers::pytorch
