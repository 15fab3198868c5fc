// The Keras writer's intermediate form: one record per Keras layer call, Keras op call, model
// input or TODO marker, built once from the pivot graph. The Python module, the JSON config
// and the weight plan are all rendered from this list, so they cannot disagree.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pivot/graph.h"
#include "pivot/weight_plan.h"
#include "support/source_location.h"

namespace nnport::writers::keras {

// A constructor or call argument value, rendered both as Python and as JSON.
struct ArgValue {
  // Layer: a layer object as an argument (Bidirectional(LSTM(...))), see NestedLayer.
  enum class Kind { None, Bool, Int, Float, String, Tuple, List, Shape, Pairs, Layer };
  Kind kind = Kind::None;
  bool b = false;
  int64_t i = 0;
  double f = 0.0;
  std::string s;
  std::vector<int64_t> ints;  // Tuple, List, Shape (negative = None), Pairs (flattened)
  std::shared_ptr<const struct NestedLayer> layer;  // Layer

  static ArgValue none() { return {}; }
  static ArgValue boolean(bool v) {
    ArgValue a;
    a.kind = Kind::Bool;
    a.b = v;
    return a;
  }
  static ArgValue integer(int64_t v) {
    ArgValue a;
    a.kind = Kind::Int;
    a.i = v;
    return a;
  }
  static ArgValue real(double v) {
    ArgValue a;
    a.kind = Kind::Float;
    a.f = v;
    return a;
  }
  static ArgValue string(std::string v) {
    ArgValue a;
    a.kind = Kind::String;
    a.s = std::move(v);
    return a;
  }
  static ArgValue tuple(std::vector<int64_t> v) {
    ArgValue a;
    a.kind = Kind::Tuple;
    a.ints = std::move(v);
    return a;
  }
  static ArgValue list(std::vector<int64_t> v) {
    ArgValue a;
    a.kind = Kind::List;
    a.ints = std::move(v);
    return a;
  }
  static ArgValue shape(std::vector<int64_t> v) {
    ArgValue a;
    a.kind = Kind::Shape;
    a.ints = std::move(v);
    return a;
  }
  static ArgValue pairs(std::vector<int64_t> v) {
    ArgValue a;
    a.kind = Kind::Pairs;
    a.ints = std::move(v);
    return a;
  }
};

struct Arg {
  std::string py_name;   // Python keyword; empty: positional
  std::string json_key;  // key in the JSON config / call kwargs; empty: Python only
  ArgValue value;
  bool in_python = true;               // false: a Keras default, written to JSON only
  std::optional<ArgValue> json_value;  // when the JSON spells the value differently
  // How Python shows the value when it differs from the JSON (e.g. a compact int for a tuple).
  std::optional<ArgValue> py_value;
};

// A layer constructed inline as another layer's argument: Python `layers.LSTM(units=8, ...)`
// (keywords only), JSON {"class_name": ..., "config": {...}}.
struct NestedLayer {
  std::string class_name;
  std::vector<Arg> args;
};

enum class RecordKind {
  Input,  // keras.Input / InputLayer
  Layer,  // a Keras layer call
  Op,     // a keras.ops / tf call or Python operator; a TFOpLambda layer in the JSON
  Todo,   // a TODO(nnport) marker; its output is its input
};

// One entry of a subscript: an integer index (`start`) or a slice (unset bounds are omitted).
struct SubscriptItem {
  bool index = false;
  std::optional<int64_t> start, stop, step;
};

// A keras.ops / tf call. Python: `py_function(x, kwargs...)` or `x <op> scalar`; JSON:
// TFOpLambda with `tf_function` and the kwargs under their json keys.
struct OpCall {
  std::string py_function;  // "keras.ops.mean", "tf.reduce_mean"; empty for an operator
  std::string py_operator;  // "*", "+", "-", "/" (with `scalar` or a second input)
  std::optional<double> scalar;
  bool scalar_first = false;  // `2.0 - x`
  std::string tf_function;    // "math.reduce_mean"
  std::vector<Arg> kwargs;
  // The inputs are one list argument (`keras.ops.stack([a, b], axis=1)`); the JSON node lists
  // every input with the kwargs, like tf.keras does for a list first argument.
  bool list_input = false;
  // A Python subscript `x[...]` instead of a call (tf.keras: SlicingOpLambda
  // `__operators__.getitem` with kwargs `slice_spec`).
  std::optional<std::vector<SubscriptItem>> subscript;
};

struct WeightVar {
  std::string variable;  // Keras variable name, for readers ("kernel")
  pivot::ParamId param = 0;
  std::vector<int64_t> perm;
  // A variable of a sublayer the layer builds itself (MultiHeadAttention's "query_dense"):
  // saved under layers/<layer>/<sublayer>/vars/<i>, numbered per sublayer.
  std::string sublayer;
  std::vector<int64_t> shape;  // reshape after perm (EinsumDense kernels); empty: none
  // Keras RNN weights built from several PyTorch tensors (see pivot::WeightSlot).
  std::vector<int64_t> block_order{};
  std::vector<pivot::ParamId> combine_with{};
  pivot::WeightSlot::Combine combine = pivot::WeightSlot::Combine::Sum;
};

struct LayerRecord {
  RecordKind kind = RecordKind::Layer;
  std::string class_name;           // "Conv2D", "InputLayer", "TFOpLambda"
  std::string name;                 // the layer name (unique in the model)
  std::vector<Arg> args;            // constructor arguments in Python order
  std::vector<std::string> inputs;  // value keys consumed
  std::string output;               // value key produced
  int owner = -1;                   // index of the record whose layer object this call reuses
  std::vector<WeightVar> vars;      // in Keras variable order
  // Weightless groups the layer's own saving writes besides its vars (sublayer paths).
  std::vector<std::string> empty_subgroups;
  OpCall op;
  std::string todo;  // Todo: "<code>: <message>"
  // Layers taking several tensors as separate call arguments (MultiHeadAttention: query,
  // value, key): the call keyword of each input after the first. Empty: one list argument.
  std::vector<std::string> input_keywords;
  // With input_keywords: how many inputs Python passes positionally; the later ones are written
  // `keyword=value` (mha(query, value, key, attention_mask=mask)). 0: all positional.
  size_t python_positional = 0;
  // Non-tensor call arguments (mha(..., use_causal_mask=True)); JSON: the inbound node's kwargs.
  std::vector<Arg> call_args;
  // Recurrent layers given initial states: Python passes the inputs after the first as one list,
  // `layer(x, initial_state=[h, c])`; tf.keras' JSON lists them as further inbound tensors.
  std::string list_keyword;
  // Further outputs of a layer returning several tensors (return_state=True: [out, h, c]): the
  // value keys of outputs 1.., empty for an output nothing reads.
  std::vector<std::string> extra_outputs;
  // A parameterless activation that may be folded into a preceding Dense/Conv `activation=`
  // (Python and JSON spellings); empty when this record is not such an activation.
  std::string fuse_py;
  std::string fuse_json;
  SourceLocation location;
};

struct RecordList {
  std::string model_name;
  std::vector<LayerRecord> records;
  std::vector<std::string> input_keys;            // graph inputs in order
  std::vector<std::string> output_keys;           // graph outputs in order
  std::map<std::string, std::string> name_hints;  // value key -> readable name for Python
  std::map<std::string, std::string> aliases;     // value key -> the key it stands for
  bool partial = false;
  bool sequential = false;  // a plain chain: rendered as keras.Sequential
  // Custom layer classes the generated module defines (custom_layers.h), in first-use order.
  std::vector<std::string> custom_classes;

  // Follows aliases (identity, TODO pass-through) to the key of a produced value.
  std::string resolve(const std::string& key) const {
    std::string k = key;
    for (auto it = aliases.find(k); it != aliases.end(); it = aliases.find(k)) k = it->second;
    return k;
  }
};

}  // namespace nnport::writers::keras
