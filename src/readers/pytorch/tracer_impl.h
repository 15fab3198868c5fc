// The forward() tracer class, shared by tracer.cc (statements, expressions, module calls) and
// tensor_ops.cc (tensor methods and torch functions). Internal to the reader.
#pragma once

#include "readers/pytorch/tracer.h"

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
  std::map<pivot::ValueId, size_t> input_index_;
  std::vector<TraceInput>* inputs_ = nullptr;
  std::map<const Instance*, std::map<std::string, pivot::ParamId>> params_;
  std::set<std::string> node_names_;
  Node forward_def_;
  int depth_ = 0;
};

}  // namespace nnport::readers::pytorch
