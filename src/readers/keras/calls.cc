// Calls the Keras reader understands: Keras constructors (layers, Input, Sequential, Model),
// methods (Sequential.add, list.append, model.build), and applying a layer to tensors.
#include <algorithm>
#include <map>
#include <set>

#include "frameworks/keras/reader_rows.h"
#include "readers/keras/interpreter.h"
#include "syntax/builtins.h"

namespace nnport::readers::keras {

using pivot::OpKind;
using syntax::Field;
using syntax::Kind;

namespace {

const Value* find_kwarg(const std::vector<std::pair<std::string, Value>>& kwargs,
                        const std::string& key) {
  for (const auto& [k, v] : kwargs)
    if (k == key) return &v;
  return nullptr;
}

std::optional<std::string> string_kwarg(const std::vector<std::pair<std::string, Value>>& kwargs,
                                        const std::string& key) {
  if (const Value* v = find_kwarg(kwargs, key))
    if (auto c = v->as_constant(); c && c->is_string()) return c->s;
  return std::nullopt;
}

// The method `name` of a user class or of its user bases, else a null node.
Node class_method(const ClassDef* klass, const std::string& name) {
  for (const ClassDef* c = klass; c; c = c->user_base)
    if (auto it = c->methods.find(name); it != c->methods.end()) return it->second;
  return {};
}

bool has_parameter(Node def, std::string_view name) {
  for (Node p : def.field(Field::Parameters).named_children()) {
    Node id = p.is(Kind::Identifier) ? p : p.field(Field::Name);
    if (id && id.text() == name) return true;
  }
  return false;
}

std::optional<pivot::DType> keras_dtype(const std::string& name) {
  if (name == "float32") return pivot::DType::Float32;
  if (name == "float64") return pivot::DType::Float64;
  if (name == "int32") return pivot::DType::Int32;
  if (name == "int64") return pivot::DType::Int64;
  return std::nullopt;
}

void flatten_tensors(const Value& v, std::vector<pivot::ValueId>& out) {
  if (v.is_tensor()) {
    out.push_back(v.tensor);
  } else if (v.kind == Value::Kind::List) {
    for (const auto& item : v.items) flatten_tensors(item, out);
  } else if (v.kind == Value::Kind::Dict) {
    // keras.Model(outputs={"b": ..., "a": ...}): Keras flattens a dict by sorted key
    // (tree.flatten), so model.outputs and the migrated model's results follow that order.
    std::vector<size_t> order(v.items.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return v.keys[a].repr() < v.keys[b].repr(); });
    for (size_t i : order) flatten_tensors(v.items[i], out);
  }
}

// A Keras layer class name from a qualified name: "keras.layers.Dense" -> "Dense".
std::optional<std::string> layer_class(const std::string& q) {
  for (const char* prefix : {"keras.layers.", "keras.layers.experimental.preprocessing."})
    if (q.rfind(prefix, 0) == 0 && q.find('.', std::string(prefix).size()) == std::string::npos)
      return q.substr(std::string(prefix).size());
  return std::nullopt;
}

// The input a model declares: a Functional model's single input; a Sequential's Input(...) or
// input_shape= on its first layer, or the input of the model it starts with.
std::optional<pivot::TensorType> declared_input_of(const Layer& model, const pivot::Graph& g) {
  if (model.kind == Layer::Kind::Functional) {
    if (model.inputs.size() != 1) return std::nullopt;
    return g.values[model.inputs[0]].type;
  }
  if (model.kind != Layer::Kind::Sequential) return std::nullopt;
  if (model.declared_input) return model.declared_input;
  if (model.layers.empty()) return std::nullopt;
  const Layer& first = *model.layers[0];
  for (const char* key : {"input_shape", "batch_input_shape"})
    if (const Value* shape = first.kwarg(key))
      if (auto c = shape->as_constant(); c && c->is_ordered_sequence()) {
        std::vector<int64_t> dims;
        for (size_t i = key[0] == 'b' ? 1 : 0; i < c->items.size(); ++i)
          dims.push_back(c->items[i].is_int() ? c->items[i].i : -1);
        return keras_input_type(dims, pivot::DType::Float32);
      }
  return declared_input_of(first, g);
}

}  // namespace

Value Interpreter::call_qualified(const std::string& q, const std::vector<Value>& args,
                                  const std::vector<std::pair<std::string, Value>>& kwargs,
                                  Node site, Frame&) {
  if (q == "keras.Input" || q == "keras.layers.Input") return make_input(args, kwargs, site);
  if (q == "keras.layers.InputLayer") {
    // InputLayer(shape=...) declares the input as keras.Input does (the first element of a
    // Sequential); tf.keras 2.x spells the shape `input_shape=` / `batch_input_shape=`.
    auto renamed = kwargs;
    for (auto& [k, v] : renamed) {
      if (k == "input_shape") k = "shape";
      if (k == "batch_input_shape") k = "batch_shape";
    }
    return make_input(args, renamed, site);
  }
  if (auto v = idiom_call(q, args, kwargs, site)) return *v;
  if (q.rfind("numpy.", 0) == 0) return numpy_call(q, args, kwargs, site);
  if (is_data_source(q)) return data_value("source#" + std::to_string(site.start_byte()), site);
  if (q == "keras.Sequential") {
    auto layer = std::make_shared<Layer>();
    layer->kind = Layer::Kind::Sequential;
    layer->cls = "Sequential";
    layer->location = loc(site);
    layer->text = std::string(site.text().substr(0, 200));
    layer->name = string_kwarg(kwargs, "name").value_or(auto_name("Sequential"));
    const Value* list = args.empty() ? find_kwarg(kwargs, "layers") : &args[0];
    if (list && list->kind == Value::Kind::List) {
      for (const auto& item : list->items) {
        if (item.kind == Value::Kind::Layer)
          layer->layers.push_back(item.layer);
        else if (item.is_tensor() && ctx_.graph.producer(item.tensor) < 0) {
          layer->declared_input = type_of(item.tensor);
          layer->declared_input_name = ctx_.graph.values[item.tensor].name;
        } else if (item.kind != Value::Kind::Unknown)
          ctx_.diags->error(Code::UnsupportedSyntax, loc(site))
              << "a Sequential entry is not a layer";
      }
    }
    // Sequential([base_model, layers.Dense(10)]): the input is the inner model's.
    if (!layer->declared_input && !layer->layers.empty() &&
        layer->layers[0]->kind != Layer::Kind::Builtin &&
        layer->layers[0]->kind != Layer::Kind::Custom)
      layer->declared_input = declared_input_of(*layer->layers[0], ctx_.graph);
    return Value::of_layer(layer);
  }
  if (q == "keras.Model" || q == "keras.models.Model") {
    const Value* inputs = args.size() > 0 ? &args[0] : find_kwarg(kwargs, "inputs");
    const Value* outputs = args.size() > 1 ? &args[1] : find_kwarg(kwargs, "outputs");
    if (!inputs || !outputs) {
      ctx_.diags->error(Code::UnsupportedSyntax, loc(site))
          << "keras.Model(...) without inputs and outputs";
      return Value::unknown();
    }
    auto layer = std::make_shared<Layer>();
    layer->kind = Layer::Kind::Functional;
    layer->cls = "Functional";
    layer->location = loc(site);
    layer->text = std::string(site.text().substr(0, 200));
    layer->name = string_kwarg(kwargs, "name").value_or(auto_name("Functional"));
    flatten_tensors(*inputs, layer->inputs);
    flatten_tensors(*outputs, layer->outputs);
    layer->outputs_list = outputs->kind == Value::Kind::List || outputs->kind == Value::Kind::Dict;
    return Value::of_layer(layer);
  }
  if (auto cls = layer_class(q)) {
    // layers.add([a, b]), layers.concatenate([a, b], axis=1): a merge layer built and applied.
    static const std::map<std::string, std::string> kMergeFunctions{{"add", "Add"},
                                                                    {"subtract", "Subtract"},
                                                                    {"multiply", "Multiply"},
                                                                    {"average", "Average"},
                                                                    {"maximum", "Maximum"},
                                                                    {"minimum", "Minimum"},
                                                                    {"concatenate", "Concatenate"}};
    if (auto merge = kMergeFunctions.find(*cls); merge != kMergeFunctions.end() && !args.empty()) {
      std::vector<std::pair<std::string, Value>> layer_kwargs;
      for (const auto& kv : kwargs)
        if (kv.first != "inputs") layer_kwargs.push_back(kv);
      Value layer = make_layer(merge->second, {}, layer_kwargs, site);
      return apply_layer(layer.layer, {args[0]}, {}, site);
    }
    return make_layer(*cls, args, kwargs, site);
  }
  // Training-side objects a builder constructs for compile() (optimizers, losses, metrics,
  // callbacks) never change the network; the training-script reader migrates them.
  for (const char* prefix :
       {"keras.optimizers.", "keras.losses.", "keras.metrics.", "keras.callbacks."})
    if (q.rfind(prefix, 0) == 0) return Value::unknown();
  for (const char* prefix :
       {"keras.ops.numpy.", "keras.ops.nn.", "keras.ops.", "tensorflow.math.", "tensorflow.linalg.",
        "tensorflow.nn.", "tensorflow.", "keras.activations.", "keras.backend."}) {
    const std::string p(prefix);
    if (q.rfind(p, 0) == 0 && q.find('.', p.size()) == std::string::npos) {
      std::string fn = q.substr(p.size());
      if (p == "keras.activations.") fn = "activation:" + fn;
      return tensor_function(fn, args, kwargs, site);
    }
  }
  std::vector<pivot::ValueId> tensors;
  for (const auto& a : args) flatten_tensors(a, tensors);
  if (!tensors.empty())
    return unsupported(Code::UnsupportedOperation, site, "'" + q + "' is not supported", tensors);
  ctx_.diags->error(Code::UnsupportedOperation, loc(site)) << "'" << q << "' is not supported";
  return Value::unknown();
}

Value Interpreter::make_input(const std::vector<Value>& args,
                              const std::vector<std::pair<std::string, Value>>& kwargs, Node site) {
  const Value* shape = !args.empty() ? &args[0] : find_kwarg(kwargs, "shape");
  if (!shape) shape = find_kwarg(kwargs, "batch_shape");
  std::optional<Constant> c = shape ? shape->as_constant() : std::nullopt;
  std::vector<int64_t> dims;
  const bool with_batch = args.empty() && !find_kwarg(kwargs, "shape");
  // Sizes from data: --input-shape (applied below) gives them, or the Input was reported.
  const bool from_data = shape && bind_data_shape(*shape, with_batch, dims, site);
  bool ok = !from_data && c && c->is_sequence();
  if (ok)
    for (const auto& d : c->items) {
      if (d.is_none())
        dims.push_back(-1);
      else if (d.is_int())
        dims.push_back(d.i);
      else
        ok = false;
    }
  // batch_shape=(None, ...) includes the batch axis.
  if (ok && args.empty() && !find_kwarg(kwargs, "shape") && !dims.empty()) dims.erase(dims.begin());
  pivot::DType dtype = pivot::DType::Float32;
  if (auto name = string_kwarg(kwargs, "dtype")) {
    if (auto d = keras_dtype(*name))
      dtype = *d;
    else
      ctx_.diags->error(Code::UnsupportedArgument, loc(site))
          << "input dtype '" << *name << "' is not supported";
  }
  pivot::TensorType type = keras_input_type(dims, dtype);
  if (!ok) {
    type.rank_known = false;
    type.shape.clear();
  }
  if (ctx_.inputs_made < ctx_.input_overrides.size()) {
    const auto& spec = ctx_.input_overrides[ctx_.inputs_made];
    if (spec.shape) {
      type.shape = *spec.shape;
      type.rank_known = true;
    }
    if (spec.dtype) type.dtype = *spec.dtype;
  }
  ++ctx_.inputs_made;
  const std::string name = string_kwarg(kwargs, "name").value_or("input_layer");
  const auto id = add_input(name, type, site);
  CallRecord record;
  record.input_layer = true;
  record.outputs = {id};
  auto layer = std::make_shared<Layer>();
  layer->cls = "InputLayer";
  layer->name = name;
  layer->location = loc(site);
  record.layer = layer;
  ctx_.calls.push_back(record);
  return Value::of_tensor(id);
}

Value Interpreter::make_layer(const std::string& cls, const std::vector<Value>& args,
                              const std::vector<std::pair<std::string, Value>>& kwargs, Node site) {
  if (cls == "Lambda") return make_lambda(args, kwargs, site);
  if (!frameworks::keras::find_reader_row(cls)) {
    ctx_.diags->error(Code::UnsupportedLayer, loc(site)) << "layers." << cls << " is not supported";
    auto layer = std::make_shared<Layer>();
    layer->cls = cls;
    layer->name = auto_name(cls);
    layer->location = loc(site);
    layer->text = std::string(site.text().substr(0, 200));
    layer->kind = Layer::Kind::Builtin;
    layer->built = true;  // no parameters: an unsupported node passes the input through
    layer->args = {};
    layer->kwargs = {{"__unsupported__", Value::of_const(Constant::boolean(true))}};
    return Value::of_layer(layer);
  }
  auto layer = std::make_shared<Layer>();
  layer->kind = Layer::Kind::Builtin;
  layer->cls = cls;
  layer->location = loc(site);
  layer->site = site;
  layer->text = std::string(site.text().substr(0, 200));
  layer->args = args;
  layer->kwargs = kwargs;
  // Wrapped layers are constructed (and auto-named) before their wrapper.
  layer->name = string_kwarg(kwargs, "name").value_or(auto_name(cls));
  return Value::of_layer(layer);
}

Value Interpreter::call_method(const Value& object, const std::string& method,
                               const std::vector<Value>& args,
                               const std::vector<std::pair<std::string, Value>>& kwargs, Node site,
                               Frame& frame) {
  Node object_node = site.field(Field::Function).field(Field::Object);
  if (method == "append" || method == "extend") {
    Value* target = nullptr;
    if (object_node.is(Kind::Identifier)) {
      auto it = frame.locals.find(std::string(object_node.text()));
      if (it != frame.locals.end()) target = &it->second;
    } else if (object_node.is(Kind::Attribute) &&
               object_node.field(Field::Object).text() == "self" && frame.self) {
      for (auto& [k, v] : frame.self->attrs)
        if (k == object_node.field(Field::Attribute).text()) target = &v;
    }
    if (target && target->kind == Value::Kind::List && args.size() == 1) {
      if (method == "append")
        target->items.push_back(args[0]);
      else if (args[0].kind == Value::Kind::List)
        target->items.insert(target->items.end(), args[0].items.begin(), args[0].items.end());
      return Value{};
    }
  }
  if (object.kind == Value::Kind::Layer) {
    const LayerPtr& layer = object.layer;
    if (method == "add_weight" && layer->kind == Layer::Kind::Custom)
      return add_weight(layer, args, kwargs, site);
    // self.block(x): an attribute holding a layer (or a list of them) is called.
    for (const auto& [name, value] : layer->attrs)
      if (name == method)
        return call_value(value, site.field(Field::Function), args, kwargs, site, frame);
    if (layer->kind == Layer::Kind::Sequential && method == "add" && args.size() == 1) {
      if (args[0].kind == Value::Kind::Layer)
        layer->layers.push_back(args[0].layer);
      else if (args[0].is_tensor()) {
        layer->declared_input = type_of(args[0].tensor);
        layer->declared_input_name = ctx_.graph.values[args[0].tensor].name;
      }
      return Value{};
    }
    if (method == "build" && !args.empty()) {
      if (auto c = args[0].as_constant(); c && c->is_sequence() && !c->items.empty()) {
        std::vector<int64_t> dims;
        for (size_t i = 1; i < c->items.size(); ++i)
          dims.push_back(c->items[i].is_int() ? c->items[i].i : -1);
        layer->declared_input = keras_input_type(dims, pivot::DType::Float32);
      }
      return Value{};
    }
    if (method == "summary" || method == "compile") return Value{};
    // Normalization.adapt(data) fills the layer's statistics, its weights: the training script
    // computes them (an Adapt step), the network is unchanged.
    if (method == "adapt" && layer->cls == "Normalization") return Value{};
    if (layer->klass) {
      for (const ClassDef* c = layer->klass; c; c = c->user_base)
        if (auto it = c->methods.find(method); it != c->methods.end()) {
          Frame self_frame;
          self_frame.self = layer;
          self_frame.in_call = frame.in_call;
          return call_function(it->second, args, kwargs, &self_frame, site);
        }
    }
    if (method == "call" || method == "__call__") return apply_layer(layer, args, kwargs, site);
  }
  if (object.is_tensor()) {
    std::vector<Value> all{object};
    all.insert(all.end(), args.begin(), args.end());
    return tensor_function("method:" + method, all, kwargs, site);
  }
  if (object.kind == Value::Kind::Unknown) return Value::unknown();
  if (object.kind == Value::Kind::Array || object.kind == Value::Kind::Data)
    return array_method(object, method, args, kwargs, site);
  if (object.kind == Value::Kind::Name && !object.qualified.empty())
    return call_qualified(object.qualified + "." + method, args, kwargs, site, frame);
  if (syntax::is_folded_method(method)) {
    // text.lower().split(), ", ".join(words): pure methods of constants.
    auto self = object.as_constant();
    std::vector<Constant> cargs;
    for (const auto& a : args)
      if (auto c = a.as_constant()) cargs.push_back(std::move(*c));
    std::string why = "the arguments are not constants";
    if (self && cargs.size() == args.size() && kwargs.empty())
      if (auto c = syntax::apply_method(*self, method, cargs, why)) return Value::of_const(*c);
    if (self) {
      ctx_.diags->error(Code::NotConstant, loc(site))
          << "'" << site.text().substr(0, 80) << "' cannot be folded: " << why;
      return Value::unknown();
    }
  }
  ctx_.diags->error(Code::UnsupportedOperation, loc(site))
      << "the reader cannot follow the method call '" << site.text().substr(0, 80) << "'";
  return Value::unknown();
}

Value Interpreter::apply_layer(const LayerPtr& layer, const std::vector<Value>& args,
                               const std::vector<std::pair<std::string, Value>>& kwargs,
                               Node site) {
  std::vector<pivot::ValueId> inputs;
  for (const auto& a : args) flatten_tensors(a, inputs);
  // Tensor keywords in the order the layer takes them (MultiHeadAttention: query, value, key).
  for (const char* key : {"inputs", "x", "query", "value", "key"})
    for (const auto& [k, v] : kwargs)
      if (k == key) flatten_tensors(v, inputs);
  if (inputs.empty()) {
    ctx_.diags->error(Code::UnsupportedSyntax, loc(site))
        << "layer '" << layer->name << "' is called without a tensor";
    return Value::unknown();
  }
  const size_t first_node = ctx_.graph.nodes.size();
  ++ctx_.call_nesting;
  const std::vector<pivot::ValueId> outs = apply_unrecorded(layer, args, kwargs, inputs, site);
  --ctx_.call_nesting;
  if (ctx_.call_nesting == 0) {
    CallRecord record;
    record.layer = layer;
    record.inputs = inputs;
    // rnn(x, initial_state=[h, c]): Keras' node lists the states among its inputs, so the layers
    // computing them belong to the model (map_graph reaches them through this call).
    for (const auto& [k, v] : kwargs)
      if (k == "initial_state") flatten_tensors(v, record.inputs);
    record.outputs = outs;
    record.node_begin = first_node;
    record.node_end = ctx_.graph.nodes.size();
    ctx_.calls.push_back(record);
  }
  if (outs.empty()) return Value::unknown();
  if (outs.size() == 1) return Value::of_tensor(outs[0]);
  std::vector<Value> items;
  for (auto id : outs) items.push_back(Value::of_tensor(id));
  return Value::of_list(std::move(items));
}

std::vector<pivot::ValueId> Interpreter::apply_unrecorded(
    const LayerPtr& layer, const std::vector<Value>& args,
    const std::vector<std::pair<std::string, Value>>& kwargs,
    const std::vector<pivot::ValueId>& inputs, Node site) {
  auto tensors_of = [](const Value& v) {
    std::vector<pivot::ValueId> out;
    flatten_tensors(v, out);
    return out;
  };
  switch (layer->kind) {
    case Layer::Kind::Sequential: {
      Value x = Value::of_tensor(inputs[0]);
      for (const auto& inner : layer->layers) {
        // Diagnostics and nodes point at each layer's constructor in the Sequential list.
        x = apply_layer(inner, {x}, {}, inner->site ? inner->site : site);
        if (!x.is_tensor()) break;
      }
      return tensors_of(x);
    }
    case Layer::Kind::Functional: return replay_functional(*layer, inputs, site);
    case Layer::Kind::Custom: {
      Node def;
      for (const ClassDef* c = layer->klass; c && !def; c = c->user_base)
        if (auto it = c->methods.find("call"); it != c->methods.end()) def = it->second;
      if (!def)
        return tensors_of(unsupported(Code::UnsupportedLayer, site,
                                      layer->cls + " has no call() method", inputs));
      // Keras hands a masked input's mask to call(mask=...), and the mask compute_mask() returns
      // to the layers after this one (their call(mask=...), MultiHeadAttention, recurrences);
      // nnport follows neither, so on masked (padded) steps the model would silently differ.
      std::string mask_problem;
      if (class_method(layer->klass, "compute_mask"))
        mask_problem = layer->cls +
                       ".compute_mask(): the mask it gives the layers after it (Keras passes it "
                       "to their call(mask=...) and to MultiHeadAttention) is not followed";
      const bool masked_input = std::any_of(inputs.begin(), inputs.end(), [&](pivot::ValueId v) {
        return std::find(ctx_.masked.begin(), ctx_.masked.end(), v) != ctx_.masked.end();
      });
      if (masked_input && has_parameter(def, "mask") && !find_kwarg(kwargs, "mask"))
        mask_problem = layer->cls +
                       ".call(mask=...): Keras fills it with the mask of the masked input (an "
                       "Embedding(mask_zero=True)), which is not followed here";
      // build(input_shape) on the first call, as Keras does (it may create weights).
      build_custom(layer, inputs, site);
      Frame self_frame;
      self_frame.self = layer;
      self_frame.in_call = true;
      // training= and mask= select behaviour that inference does not have (conventions row 15).
      std::vector<std::pair<std::string, Value>> call_kwargs;
      for (const auto& [k, v] : kwargs)
        if (k != "training" && k != "mask") call_kwargs.emplace_back(k, v);
      auto outs = tensors_of(call_function(def, args, call_kwargs, &self_frame, site));
      // The layer's result marked unsupported (a TODO in the output), keeping its shape so the
      // layers after it still read.
      if (!mask_problem.empty())
        return tensors_of(unsupported(Code::UnsupportedOperation, site, mask_problem,
                                      outs.size() == 1 ? outs : inputs));
      return outs;
    }
    case Layer::Kind::Builtin: break;
  }
  if (layer->cls == "Lambda") return apply_lambda(layer, args, inputs, site);
  if (layer->kwarg("__unsupported__"))
    return tensors_of(unsupported(Code::UnsupportedLayer, site,
                                  "layers." + layer->cls + " is not supported", inputs));
  // training=True makes Dropout drop and BatchNormalization use batch statistics even at
  // inference (conventions row 15): the pivot's inference semantics would differ.
  for (const auto& [k, v] : kwargs)
    if (k == "training")
      if (auto c = v.as_constant(); c && c->is_bool() && c->b)
        ctx_.diags->error(Code::UnsupportedArgument, loc(site))
            << "layer '" << layer->name
            << "' is called with training=True, which keeps its training "
            << "behaviour at inference; nnport migrates inference semantics only";
  return emit_builtin(*this, *layer, inputs, kwargs, site, layer->name);
}

// A Functional model called like a layer (`encoded = encoder(img)`): the nodes between its
// inputs and outputs are appended again on the new inputs, with the same parameters (its
// layers are shared, as Keras shares them) and the locations of the model's own code.
std::vector<pivot::ValueId> Interpreter::replay_functional(
    const Layer& model, const std::vector<pivot::ValueId>& inputs, Node site) {
  auto& g = ctx_.graph;
  if (inputs.size() != model.inputs.size())
    return {unsupported(Code::UnsupportedSyntax, site,
                        "model '" + model.name + "' takes " + std::to_string(model.inputs.size()) +
                            " inputs, it is called with " + std::to_string(inputs.size()),
                        inputs)
                .tensor};
  std::map<pivot::ValueId, pivot::ValueId> mapped;
  for (size_t i = 0; i < inputs.size(); ++i) mapped[model.inputs[i]] = inputs[i];
  std::set<size_t> needed;
  std::vector<pivot::ValueId> stack(model.outputs.begin(), model.outputs.end());
  while (!stack.empty()) {
    const pivot::ValueId v = stack.back();
    stack.pop_back();
    if (mapped.count(v)) continue;
    const int p = g.producer(v);
    if (p < 0)
      return {unsupported(Code::UnsupportedSyntax, site,
                          "model '" + model.name + "' reads a tensor that is not one of its inputs",
                          inputs)
                  .tensor};
    if (needed.insert(static_cast<size_t>(p)).second)
      for (auto in : g.nodes[static_cast<size_t>(p)].inputs) stack.push_back(in);
  }
  for (size_t index : needed) {  // ascending: the graph's nodes are in topological order
    const pivot::Node original = g.nodes[index];
    std::vector<pivot::ValueId> ins;
    for (auto in : original.inputs) ins.push_back(mapped.count(in) ? mapped.at(in) : in);
    auto outs = add_node(original.kind, original.attrs, ins, site, original.name,
                         original.module_path, original.outputs.size());
    g.nodes.back().params = original.params;
    g.nodes.back().location = original.location;
    for (size_t j = 0; j < outs.size(); ++j) {
      mapped[original.outputs[j]] = outs[j];
      auto& masked = ctx_.masked;
      if (std::find(masked.begin(), masked.end(), original.outputs[j]) != masked.end())
        masked.push_back(outs[j]);
      // The replayed padding mask is the replayed `ids == 0` node (its ids mapped alike).
      auto& padding = ctx_.padding_mask_of;
      if (auto it = padding.find(original.outputs[j]);
          it != padding.end() && mapped.count(it->second))
        padding[outs[j]] = mapped.at(it->second);
    }
  }
  std::vector<pivot::ValueId> outs;
  for (auto v : model.outputs) outs.push_back(mapped.at(v));
  return outs;
}

}  // namespace nnport::readers::keras
