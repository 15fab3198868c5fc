// Keras idioms of tutorial code around layers:
//   layers.Lambda(fn)             fn (a `lambda` or a `def` of the file) is read like a call()
//                                 body: its operations become pivot nodes of the model;
//   functools.partial(cls, ...)   a bound callee called with the merged arguments (Géron's
//                                 DefaultConv2D);
//   initializers.Zeros() / RandomNormal(stddev=0.02) ...  read as Keras' serialised form
//                                 {"class_name": "random_normal", "config": {...}}, which layer
//                                 arguments also take (initializers.cc);
//   keras.backend.epsilon()       a constant; activations.get("relu") the function;
//   regularizers.l2(0.001) ...    a dict {l1, l2} of penalty factors (Emitter::param reads it);
//   assert model.output_shape == (None, 7, 7, 16)   checked against the inferred shapes.
#include <string>
#include <vector>

#include "readers/keras/initializers.h"
#include "readers/keras/interpreter.h"

namespace nnport::readers::keras {

using syntax::Field;
using syntax::Kind;

namespace {

constexpr const char* kInitializerModules[] = {"keras.initializers.", "tensorflow.initializers.",
                                               "tensorflow.keras.initializers."};

// Backend functions whose value is a constant of the default configuration (keras.json absent):
// a number, or a string when `text` is set.
struct BackendConstantRow {
  const char* function;
  double value;
  const char* text = nullptr;
};

constexpr BackendConstantRow kBackendConstants[] = {
    {"keras.backend.epsilon", 1e-7},
    {"keras.config.epsilon", 1e-7},
    // keras.applications: `1 if backend.image_data_format() == "channels_first" else -1`.
    {"keras.backend.image_data_format", 0.0, "channels_last"},
    {"keras.config.image_data_format", 0.0, "channels_last"},
};

// Weight regularizers: class or function under keras.regularizers -> which factors it takes.
// Keras computes l1 * sum(|w|) + l2 * sum(w^2) (no 1/2 factor).
struct RegularizerRow {
  const char* name;
  bool l1, l2;      // the factors it takes, in this positional order
  double fallback;  // an omitted factor (L1L2's are 0; tf.keras' l1_l2() function's 0.01)
};

constexpr RegularizerRow kRegularizers[] = {
    {"L1", true, false, 0.01}, {"l1", true, false, 0.01}, {"L2", false, true, 0.01},
    {"l2", false, true, 0.01}, {"L1L2", true, true, 0.0}, {"l1_l2", true, true, 0.01},
};

Value regularizer_value(double l1, double l2) {
  Value v;
  v.kind = Value::Kind::Dict;
  v.keys = {Constant::string("l1"), Constant::string("l2")};
  v.items = {Value::of_const(Constant::floating(l1)), Value::of_const(Constant::floating(l2))};
  return v;
}

void tensors_of(const Value& v, std::vector<pivot::ValueId>& out) {
  if (v.is_tensor()) out.push_back(v.tensor);
  if (v.kind == Value::Kind::List || v.kind == Value::Kind::Dict)
    for (const auto& item : v.items) tensors_of(item, out);
}

const Value* kwarg_of(const std::vector<std::pair<std::string, Value>>& kwargs,
                      const std::string& key) {
  for (const auto& [k, v] : kwargs)
    if (k == key) return &v;
  return nullptr;
}

}  // namespace

std::optional<Value> Interpreter::idiom_call(
    const std::string& q, const std::vector<Value>& args,
    const std::vector<std::pair<std::string, Value>>& kwargs, Node site) {
  if (q == "functools.partial") {
    if (args.empty()) return std::nullopt;
    // A bound partial: items = {callee, positional arguments, keyword arguments}.
    Value partial;
    partial.kind = Value::Kind::Name;
    partial.qualified = q;
    Value bound_kwargs;
    bound_kwargs.kind = Value::Kind::Dict;
    for (const auto& [k, v] : kwargs) {
      bound_kwargs.keys.push_back(Constant::string(k));
      bound_kwargs.items.push_back(v);
    }
    partial.items = {args[0], Value::of_list({args.begin() + 1, args.end()}), bound_kwargs};
    return partial;
  }
  if (q == "keras.activations.get" && args.size() == 1) {
    // activations.get("relu") is the function keras.activations.relu; a callable passes through.
    if (auto c = args[0].as_constant(); c && c->is_string()) {
      Value fn;
      fn.kind = Value::Kind::Name;
      fn.qualified = "keras.activations." + c->s;
      return fn;
    }
    if (args[0].kind == Value::Kind::Name || args[0].kind == Value::Kind::Function) return args[0];
  }
  for (const auto& row : kBackendConstants)
    if (q == row.function && args.empty())
      return Value::of_const(row.text ? Constant::string(row.text) : Constant::floating(row.value));
  if (q.rfind("keras.regularizers.", 0) == 0) {
    const std::string name = q.substr(19);
    for (const auto& row : kRegularizers) {
      if (name != row.name) continue;
      // Keras 3's l1_l2 is the class L1L2 (factors 0 by default), tf.keras' a function
      // (0.01): an omitted factor of l1_l2 is only known for tf.keras.
      const bool known_fallback = name != "l1_l2" || ctx_.tf_keras;
      double factors[2] = {0.0, 0.0};
      size_t position = 0;
      for (int i = 0; i < 2; ++i) {
        if (!(i == 0 ? row.l1 : row.l2)) continue;
        const char* key = i == 0 ? "l1" : "l2";
        const Value* v = kwarg_of(kwargs, key);
        if (!v && row.l1 != row.l2) v = kwarg_of(kwargs, "l");  // tf.keras 2.0 l2(l=...)
        if (!v && position < args.size()) v = &args[position];
        ++position;
        auto c = v ? v->as_constant() : std::nullopt;
        auto d = c ? c->as_double() : std::nullopt;
        if (v && !d) {
          ctx_.diags->error(Code::NotConstant, loc(site))
              << "the factor " << key << " of '" << q << "' is not known statically";
          return Value::unknown();
        }
        if (!v && !known_fallback) {
          ctx_.diags->error(Code::UnsupportedArgument, loc(site))
              << "'" << q << "' without " << key
              << ": Keras 3 and tf.keras default it differently (0 and 0.01); write it out";
          return Value::unknown();
        }
        factors[i] = d.value_or(row.fallback);
      }
      return regularizer_value(factors[0], factors[1]);
    }
    ctx_.diags->error(Code::UnsupportedArgument, loc(site))
        << "the regularizer '" << q << "' is not supported";
    return Value::unknown();
  }
  // TensorFlow's initializer functions (tf.random_normal_initializer(0., 0.02)) follow the
  // Keras rule of the same name.
  if (q.starts_with("tensorflow.") && q.ends_with("_initializer") && q.size() > 23)
    if (auto object = initializer_object(q.substr(11, q.size() - 23), args, kwargs)) return object;
  for (const char* module : kInitializerModules) {
    const std::string prefix(module);
    if (q.rfind(prefix, 0) != 0) continue;
    const std::string name = q.substr(prefix.size());
    // initializers.get(identifier) returns a known name's initializer or the object it is given:
    // both are what layers accept as they are.
    if (name == "get" && args.size() == 1 && kwargs.empty()) {
      auto c = args[0].as_constant();
      if (args[0].kind == Value::Kind::Dict || (c && c->is_none()) ||
          (c && c->is_string() && initializer_object(c->s, {}, {})))
        return args[0];
    }
    if (auto object = initializer_object(name, args, kwargs)) return object;
    ctx_.diags->error(Code::UnsupportedArgument, loc(site))
        << "the initializer '" << q << "' is not supported";
    return Value::unknown();
  }
  return std::nullopt;
}

Value Interpreter::call_partial(const Value& partial, const std::vector<Value>& args,
                                const std::vector<std::pair<std::string, Value>>& kwargs, Node site,
                                Frame& frame) {
  std::vector<Value> merged_args = partial.items[1].items;
  merged_args.insert(merged_args.end(), args.begin(), args.end());
  // Keywords given at the call override the bound ones, as in functools.partial.
  std::vector<std::pair<std::string, Value>> merged_kwargs;
  const Value& bound = partial.items[2];
  for (size_t i = 0; i < bound.keys.size(); ++i)
    if (!kwarg_of(kwargs, bound.keys[i].s))
      merged_kwargs.emplace_back(bound.keys[i].s, bound.items[i]);
  merged_kwargs.insert(merged_kwargs.end(), kwargs.begin(), kwargs.end());
  return call_value(partial.items[0], site, merged_args, merged_kwargs, site, frame);
}

Value Interpreter::make_lambda(const std::vector<Value>& args,
                               const std::vector<std::pair<std::string, Value>>& kwargs,
                               Node site) {
  const Value* fn = !args.empty() ? &args[0] : kwarg_of(kwargs, "function");
  auto layer = std::make_shared<Layer>();
  layer->kind = Layer::Kind::Builtin;
  layer->cls = "Lambda";
  layer->location = loc(site);
  layer->site = site;
  layer->text = std::string(site.text().substr(0, 200));
  layer->name = auto_name("Lambda");
  if (const Value* name = kwarg_of(kwargs, "name"))
    if (auto c = name->as_constant(); c && c->is_string()) layer->name = c->s;
  layer->built = true;  // a Lambda has no weights
  const bool readable = fn && (fn->kind == Value::Kind::Function ||
                               (fn->kind == Value::Kind::Name && !fn->qualified.empty()));
  if (!readable) {  // reported where it is applied: a Lambda never applied is not in the model
    layer->kwargs = {{"__unsupported__", Value::of_const(Constant::boolean(true))}};
    return Value::of_layer(layer);
  }
  layer->args = {*fn};
  layer->kwargs = kwargs;
  return Value::of_layer(layer);
}

std::vector<pivot::ValueId> Interpreter::apply_lambda(const LayerPtr& layer,
                                                      const std::vector<Value>& args,
                                                      const std::vector<pivot::ValueId>& inputs,
                                                      Node site) {
  Node at = layer->site ? layer->site : site;
  if (layer->kwarg("__unsupported__"))
    return {unsupported(Code::UnsupportedLayer, at,
                        "layers.Lambda is supported with a lambda or a function of this file only",
                        inputs)
                .tensor};
  // Keras calls the function with the layer's one input (a list stays a list) and the
  // `arguments` dict as keywords.
  std::vector<std::pair<std::string, Value>> extra;
  if (const Value* arguments = layer->kwarg("arguments");
      arguments && arguments->kind == Value::Kind::Dict)
    for (size_t i = 0; i < arguments->keys.size(); ++i)
      extra.emplace_back(arguments->keys[i].s, arguments->items[i]);
  Value input = !args.empty() ? args[0] : Value::of_tensor(inputs[0]);
  Frame frame;
  frame.in_call = true;
  Value out = call_value(layer->args[0], at, {input}, extra, at, frame);
  std::vector<pivot::ValueId> outs;
  tensors_of(out, outs);
  if (outs.empty())
    return {unsupported(Code::UnsupportedLayer, at,
                        "the function of layers.Lambda '" + layer->name +
                            "' does not return a tensor the reader can follow",
                        inputs)
                .tensor};
  return outs;
}

void Interpreter::check_assert(Node stmt, Frame& frame) {
  // Only `assert <model>.output_shape == <constant shape>` is a check of the network; any other
  // assertion is about the surrounding code and is left to it.
  Node cond = stmt.named_child(0);
  if (!cond || !cond.is(Kind::ComparisonOperator) || cond.named_children().size() != 2 ||
      cond.child(1).text() != "==")
    return;
  Node left = cond.named_child(0);
  if (!left.is(Kind::Attribute) || left.field(Field::Attribute).text() != "output_shape") return;
  Value model = eval(left.field(Field::Object), frame);
  auto expected = eval(cond.named_child(1), frame).as_constant();
  if (model.kind != Value::Kind::Layer || !expected || !expected->is_sequence()) return;
  ShapeAssert check;
  check.model = model.layer;
  check.location = loc(stmt);
  for (const auto& d : expected->items) {
    if (d.is_none())
      check.expected.push_back(std::nullopt);
    else if (d.is_int())
      check.expected.push_back(d.i);
    else
      return;
  }
  if (model.layer->kind != Layer::Kind::Sequential) return;
  check.layers = model.layer->layers.size();
  ctx_.shape_asserts.push_back(std::move(check));
}

void Interpreter::verify_shape_asserts() {
  const auto& g = ctx_.graph;
  for (const auto& check : ctx_.shape_asserts) {
    if (check.layers == 0 || check.layers > check.model->layers.size()) continue;
    const std::string& name = check.model->layers[check.layers - 1]->name;
    // The last node the layer appended carries its output (an activation follows the op).
    const pivot::TensorType* type = nullptr;
    for (const auto& node : g.nodes)
      if ((node.module_path == name || node.name == name) && !node.outputs.empty())
        type = &g.values[node.outputs[0]].type;
    if (!type || !type->rank_known) continue;  // the layer was not applied: nothing to check
    bool same = type->shape.size() == check.expected.size();
    for (size_t i = 0; same && i < check.expected.size(); ++i)
      if (check.expected[i] && i > 0 && *check.expected[i] != type->shape[i]) same = false;
    if (!same) {
      std::string want = "(";
      for (size_t i = 0; i < check.expected.size(); ++i)
        want += (i ? ", " : "") +
                (check.expected[i] ? std::to_string(*check.expected[i]) : std::string("None"));
      want += check.expected.size() == 1 ? ",)" : ")";
      ctx_.diags->error(Code::ShapeMismatch, check.location)
          << "the model's output shape here is " << pivot::shape_to_string(type->shape)
          << ", the assertion expects " << want;
    }
  }
  ctx_.shape_asserts.clear();
}

}  // namespace nnport::readers::keras
