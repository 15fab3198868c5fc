// Static interpretation of Keras model code. Nothing is executed: statements of builder
// functions, `__init__` and `call()` are walked, Keras layer constructors become Layer objects,
// calling a layer on a symbolic tensor appends pivot nodes to one graph, and constants are
// folded with the syntax ConstEvaluator.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "pivot/graph.h"
#include "readers/pytorch/imports.h"
#include "readers/pytorch/reader.h"
#include "support/diagnostics.h"
#include "syntax/evaluator.h"

namespace nnport::readers::keras {

using syntax::Constant;
using syntax::Node;

struct Layer;
using LayerPtr = std::shared_ptr<Layer>;
struct ClassDef;

// A Python value as far as the reader follows it.
struct Value {
  enum class Kind {
    None,
    Const,
    Tensor,
    Layer,
    List,
    Dict,
    Function,
    Class,
    Name,
    Array,     // a NumPy array built from constants, followed by its shape (numpy_values.cc)
    Data,      // a value read from data (a file, a dataset, a DataFrame): not known statically
    Variable,  // a custom layer's own weight (self.add_weight), see custom_weights.cc
    Unknown
  };
  Kind kind = Kind::None;
  Constant constant;
  pivot::ValueId tensor = 0;
  LayerPtr layer;
  std::vector<Value> items;    // List (also tuples); Dict: the values, in insertion order
  std::vector<Constant> keys;  // Dict: the keys, parallel to `items`
  Node def;                    // Function: a user `def`
  const ClassDef* cls = nullptr;
  std::string qualified;       // Name: an imported module or function ("keras.layers.Dense")
  std::vector<int64_t> shape;  // Array: its shape
  int data = 0;                // Data: this value's id (a size when it is bound, see Context)
  int shape_of = 0;            // Data: the shape (of unknown rank) of data value `shape_of`
  pivot::ParamId param = 0;    // Variable: its parameter (shape in `shape`, "layer.attr" in
                               // `qualified`)

  static Value of_const(Constant c) {
    Value v;
    v.kind = Kind::Const;
    v.constant = std::move(c);
    return v;
  }
  static Value of_tensor(pivot::ValueId id) {
    Value v;
    v.kind = Kind::Tensor;
    v.tensor = id;
    return v;
  }
  static Value of_layer(LayerPtr l) {
    Value v;
    v.kind = Kind::Layer;
    v.layer = std::move(l);
    return v;
  }
  static Value of_list(std::vector<Value> items) {
    Value v;
    v.kind = Kind::List;
    v.items = std::move(items);
    return v;
  }
  static Value unknown() {
    Value v;
    v.kind = Kind::Unknown;
    return v;
  }
  bool is_tensor() const { return kind == Kind::Tensor; }
  // The constant this value holds, when it is one (lists of constants included).
  std::optional<Constant> as_constant() const;
};

struct ClassDef {
  std::string name;
  Node node;
  std::map<std::string, Node> methods;
  const ClassDef* user_base = nullptr;
  bool is_model = false;       // derives from keras.Model
  bool is_layer = false;       // derives from keras.layers.Layer (or Model)
  bool nnport_custom = false;  // one of nnport's generated custom layers
};

// One Keras variable of a layer, in the layer's variable order.
struct VarRef {
  pivot::ParamId param = 0;
  std::string sublayer;  // "cell", "forward_layer/cell", "query_dense"; "" = the layer itself
  std::string variable;  // Keras variable name ("kernel")
};

struct Layer {
  enum class Kind { Builtin, Sequential, Functional, Custom };
  Kind kind = Kind::Builtin;
  std::string cls;  // Keras class ("Dense") or user class name
  const ClassDef* klass = nullptr;
  SourceLocation location;
  Node site;         // the constructor call
  std::string text;  // constructor source text
  std::string name;  // Keras layer.name (explicit name= or the automatic one)
  std::vector<Value> args;
  std::vector<std::pair<std::string, Value>> kwargs;
  std::vector<LayerPtr> layers;                      // Sequential
  std::vector<std::pair<std::string, Value>> attrs;  // Custom: self.<attr> in assignment order
  std::optional<pivot::TensorType> declared_input;   // Sequential: Input / input_shape
  std::string declared_input_name;
  std::vector<pivot::ValueId> inputs, outputs;  // Functional
  bool outputs_list = false;
  std::vector<VarRef> vars;                      // built on the first call
  std::map<std::string, pivot::ParamId> params;  // pivot role -> parameter
  bool built = false;

  const Value* kwarg(const std::string& key) const;
};

// One call of a layer (or a keras.ops function) in the graph: the unit of Keras' map_graph.
struct CallRecord {
  LayerPtr layer;  // null for ops
  std::vector<pivot::ValueId> inputs;
  std::vector<pivot::ValueId> outputs;
  bool input_layer = false;
  size_t node_begin = 0, node_end = 0;  // pivot nodes the call appended
};

struct Frame {
  std::map<std::string, Value> locals;
  LayerPtr self;
  bool in_call = false;  // inside a call() body (layers are applied, not built)
  // Parameters of the function given no value (no argument, no default): a builder read on its
  // own, without the run-time values its callers pass.
  std::set<std::string> unbound;
  std::string function;  // the function's name, for diagnostics
};

// `assert model.output_shape == expected` in a builder: the Sequential `model` had `layers`
// layers then; checked against the inferred shape of the last one's output.
struct ShapeAssert {
  LayerPtr model;
  size_t layers = 0;
  std::vector<std::optional<int64_t>> expected;  // nullopt: None (the batch)
  SourceLocation location;
};

struct Context {
  std::string path;
  DiagnosticEngine* diags = nullptr;
  pivot::Graph graph;
  pytorch::ImportTable imports;
  syntax::Scope globals;
  std::map<std::string, ClassDef> classes;
  std::map<std::string, Node> functions;
  std::map<std::string, Value> module_values;  // module-level assignments, once evaluated
  std::map<std::string, Node>
      module_assignments;                 // NAME = <expr> at module level, evaluated on use
  std::map<std::string, int> auto_names;  // Keras' per-class layer name counters
  std::set<std::string> node_names;       // pivot node names taken
  std::vector<CallRecord> calls;
  // Layer arguments LayerArgs could not read (not constant) or rejected, in order: a built-in
  // layer whose emission adds one becomes an unsupported node (layer_calls.cc), never a layer
  // built with a fallback value.
  struct UnreadArgument {
    std::string key, why;
    SourceLocation location;  // the argument's, else the constructor's
    Code code = Code::NotConstant;
    bool reported = false;  // a diagnostic was already given
  };
  std::vector<UnreadArgument> unread_arguments;
  std::vector<pivot::ValueId> masked;  // tensors carrying an Embedding(mask_zero=True) mask
  // Of those, the ones whose mask is a pivot value: the bool (N, T) padding mask (True = a
  // masked step, `ids == 0`) that recurrent layers reading them follow.
  std::map<pivot::ValueId, pivot::ValueId> padding_mask_of;
  // logical_not(v) results (placeholders reported only if something other than a mask reads them)
  std::map<pivot::ValueId, pivot::ValueId> negation_of;
  // Values whose first axis is the batch times a factor (`ops.reshape(x, (-1, F))` folding time
  // into the batch), so a later reshape can unfold them exactly.
  std::map<pivot::ValueId, int64_t> folded;
  // ops.arange(0, n) results: positions only an Embedding followed by an addition may read
  // (TokenAndPositionEmbedding); any other use is reported after the graph is complete.
  std::set<pivot::ValueId> positions;
  // SequenceMask([x, lengths]) results: the lengths a recurrent layer reading them follows
  std::map<pivot::ValueId, pivot::ValueId> lengths_of;
  // `assert model.output_shape == (None, 7, 7, 16)` lines, checked once the model is applied
  // (lambda_layers.cc).
  std::vector<ShapeAssert> shape_asserts;
  std::vector<InputSpec>
      input_overrides;  // --input-shape / --input-dtype, by order of Input(...) creation
  // Values read from data (Value::Kind::Data). One id per expression of a data value
  // ("len#3": `len(chars)` of data value 3), so that every use of a size computed from data is
  // the same unknown; an Input(shape=...) holding it binds it from --input-shape.
  int data_values = 0;
  std::map<std::string, int> data_keys;  // "len#3", "shape#3#1" -> data id
  std::map<int, std::string> data_text;  // data id -> source text, for diagnostics
  std::map<int, int64_t> data_sizes;     // data id -> the size bound from --input-shape
  size_t inputs_made = 0;
  bool tf_keras = false;
  int call_nesting = 0;  // > 0 inside a layer's call: inner calls are not model-level operations
  int depth = 0;
  long steps = 0;
};

class Interpreter {
 public:
  explicit Interpreter(Context& ctx) : ctx_(ctx) {}

  Value eval(Node expr, Frame& frame) { return resolve_data(eval_expr(expr, frame)); }
  // Runs a block; true when a `return` was met (its value in *ret).
  bool exec_block(Node block, Frame& frame, Value* ret);
  // Runs one statement (a module-level one, for module-level models).
  void exec_one(Node stmt, Frame& frame) {
    Value ret;
    exec_statement(stmt, frame, &ret);
  }
  Value call_function(Node def, const std::vector<Value>& args,
                      const std::vector<std::pair<std::string, Value>>& kwargs, Frame* self_frame,
                      Node site);
  LayerPtr instantiate(const ClassDef& cls, const std::vector<Value>& args,
                       const std::vector<std::pair<std::string, Value>>& kwargs, Node site);
  // Applies a layer (or model) to tensor arguments at `site`.
  Value apply_layer(const LayerPtr& layer, const std::vector<Value>& args,
                    const std::vector<std::pair<std::string, Value>>& kwargs, Node site);
  // Checks the recorded `assert model.output_shape == ...` lines (lambda_layers.cc).
  void verify_shape_asserts();
  // Creates a graph input of `type` named `name`.
  pivot::ValueId add_input(const std::string& name, const pivot::TensorType& type, Node site);
  // Appends a node; infers its output types. The outputs are returned.
  std::vector<pivot::ValueId> add_node(pivot::OpKind kind, pivot::Attrs attrs,
                                       std::vector<pivot::ValueId> inputs, Node site,
                                       const std::string& name, const std::string& module_path,
                                       size_t num_outputs = 1);
  // An `unsupported` node keeping the graph connected, with an error at `site`.
  Value unsupported(Code code, Node site, const std::string& message,
                    const std::vector<pivot::ValueId>& inputs);
  const pivot::TensorType& type_of(pivot::ValueId v) const { return ctx_.graph.values[v].type; }
  Context& ctx() { return ctx_; }
  SourceLocation loc(Node n) const;
  // Qualified Keras name of a callee (tf.keras / keras.src spellings folded to "keras.").
  std::optional<std::string> qualify(Node expr, Frame& frame);

 private:
  friend class LayerCalls;
  Value eval_expr(Node expr, Frame& frame);
  Value eval_call(Node call, Frame& frame);
  Value eval_attribute(Node expr, Frame& frame);
  Value eval_comprehension(Node expr, Frame& frame);
  Value eval_subscript(Node expr, Frame& frame);
  Value eval_binary(Node expr, Frame& frame);
  Value call_value(const Value& callee, Node callee_node, const std::vector<Value>& args,
                   const std::vector<std::pair<std::string, Value>>& kwargs, Node site,
                   Frame& frame);
  Value call_qualified(const std::string& q, const std::vector<Value>& args,
                       const std::vector<std::pair<std::string, Value>>& kwargs, Node site,
                       Frame& frame);
  Value call_method(const Value& object, const std::string& method, const std::vector<Value>& args,
                    const std::vector<std::pair<std::string, Value>>& kwargs, Node site,
                    Frame& frame);
  std::vector<pivot::ValueId> apply_unrecorded(
      const LayerPtr& layer, const std::vector<Value>& args,
      const std::vector<std::pair<std::string, Value>>& kwargs,
      const std::vector<pivot::ValueId>& inputs, Node site);
  std::vector<pivot::ValueId> replay_functional(const Layer& model,
                                                const std::vector<pivot::ValueId>& inputs,
                                                Node site);
  Value make_layer(const std::string& cls, const std::vector<Value>& args,
                   const std::vector<std::pair<std::string, Value>>& kwargs, Node site);
  Value make_input(const std::vector<Value>& args,
                   const std::vector<std::pair<std::string, Value>>& kwargs, Node site);
  Value tensor_function(const std::string& fn, const std::vector<Value>& args,
                        const std::vector<std::pair<std::string, Value>>& kwargs, Node site);
  Value tensor_binary(const std::string& op, const Value& a, const Value& b, Node site);
  Value arange(const std::vector<Value>& args,
               const std::vector<std::pair<std::string, Value>>& kwargs, Node site);
  std::optional<size_t> position_table(pivot::ValueId v) const;
  Value tensor_subscript(pivot::ValueId x, Node subscript, Frame& frame, Node site);
  void assign(Node target, const Value& value, Frame& frame);
  bool exec_statement(Node stmt, Frame& frame, Value* ret);
  Value lookup(const std::string& name, Node site, Frame& frame);
  std::string auto_name(const std::string& cls);
  // NumPy and data values (numpy_values.cc).
  Value numpy_call(const std::string& q, const std::vector<Value>& args,
                   const std::vector<std::pair<std::string, Value>>& kwargs, Node site);
  Value array_method(const Value& array, const std::string& method, const std::vector<Value>& args,
                     const std::vector<std::pair<std::string, Value>>& kwargs, Node site);
  Value array_attribute(const Value& array, const std::string& attr, Node site);
  Value array_subscript(const Value& array, const std::vector<Value>& index, Node site,
                        Frame& frame);
  // The data value derived from others by `key` (the same value for the same key), read at site.
  Value data_value(const std::string& key, Node site);
  // A data size bound from --input-shape becomes its constant.
  Value resolve_data(Value v) const;
  // Input(shape=...) whose sizes come from data: bound from --input-shape (with a note) when
  // given, else reported; true when `shape` was such a value (dims set when bound).
  bool bind_data_shape(const Value& shape, bool has_batch, std::vector<int64_t>& dims, Node site);
  // Custom layers' own weights (custom_weights.cc): self.add_weight(...), build(input_shape)
  // on the first call, and the uses of a weight in call().
  Value add_weight(const LayerPtr& layer, const std::vector<Value>& args,
                   const std::vector<std::pair<std::string, Value>>& kwargs, Node site);
  void build_custom(const LayerPtr& layer, const std::vector<pivot::ValueId>& inputs, Node site);
  // Keras idioms around layers (lambda_layers.cc): layers.Lambda(fn), functools.partial,
  // initializer objects, keras.backend constants and `assert model.output_shape == ...`.
  std::optional<Value> idiom_call(const std::string& q, const std::vector<Value>& args,
                                  const std::vector<std::pair<std::string, Value>>& kwargs,
                                  Node site);
  Value call_partial(const Value& partial, const std::vector<Value>& args,
                     const std::vector<std::pair<std::string, Value>>& kwargs, Node site,
                     Frame& frame);
  Value make_lambda(const std::vector<Value>& args,
                    const std::vector<std::pair<std::string, Value>>& kwargs, Node site);
  std::vector<pivot::ValueId> apply_lambda(const LayerPtr& layer, const std::vector<Value>& args,
                                           const std::vector<pivot::ValueId>& inputs, Node site);
  void check_assert(Node stmt, Frame& frame);
  Value variable_op(const std::string& fn, const std::vector<Value>& args, Node site);

  Context& ctx_;
};

// Emits the pivot nodes of one built-in layer call (layer_calls.cc).
std::vector<pivot::ValueId> emit_builtin(
    Interpreter& in, Layer& layer, const std::vector<pivot::ValueId>& inputs,
    const std::vector<std::pair<std::string, Value>>& call_kwargs, Node site,
    const std::string& path);

// Keras 3 weights-file paths and legacy aliases of every parameter (weight_names.cc).
void name_parameters(Context& ctx, const LayerPtr& top);

// Functions whose results are data the reader does not read: files, datasets, DataFrames
// (numpy_values.cc).
bool is_data_source(const std::string& qualified);

// Keras input type from a shape without batch (channels-last), e.g. (32, 32, 3).
pivot::TensorType keras_input_type(const std::vector<int64_t>& shape_without_batch,
                                   pivot::DType dtype);

}  // namespace nnport::readers::keras
