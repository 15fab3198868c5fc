// Custom layers that create their own weights, as the Keras guide "Making new layers and models
// via subclassing" writes them:
//
//   def build(self, input_shape):
//       self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer=...)
//   def call(self, inputs):
//       return ops.matmul(inputs, self.w) + self.b
//
// build() runs on the layer's first call with the input's shape (None for the batch and other
// unknown sizes), as Keras does; each add_weight becomes a parameter of the layer, in Keras'
// variable order (trainable ones first), named by the weights-file path of the layer. In
// call(), `x @ w` (ops.matmul, tf.matmul) is the op matmul_param and `x + w` add_param; any
// other use of such a weight is reported.
#include <algorithm>

#include "readers/keras/initializers.h"
#include "readers/keras/interpreter.h"

namespace nnport::readers::keras {

using pivot::OpKind;

namespace {

const Value* find(const std::vector<std::pair<std::string, Value>>& kwargs, const char* key) {
  for (const auto& [k, v] : kwargs)
    if (k == key) return &v;
  return nullptr;
}

// Keras' Layer.add_weight(shape=None, initializer=None, dtype=None, trainable=True, ..., name=None)
// takes everything by keyword in practice; a leading positional argument is the shape.
const Value* shape_argument(const std::vector<Value>& args,
                            const std::vector<std::pair<std::string, Value>>& kwargs) {
  if (const Value* v = find(kwargs, "shape")) return v;
  return args.empty() ? nullptr : &args[0];
}

}  // namespace

Value Interpreter::add_weight(const LayerPtr& layer, const std::vector<Value>& args,
                              const std::vector<std::pair<std::string, Value>>& kwargs, Node site) {
  const Value* shape_value = shape_argument(args, kwargs);
  auto shape_c = shape_value ? shape_value->as_constant() : std::optional<Constant>();
  std::optional<std::vector<int64_t>> shape;
  if (shape_c && shape_c->is_int()) shape = std::vector<int64_t>{shape_c->i};
  if (shape_c && !shape) shape = shape_c->as_ints();
  if (shape)
    for (int64_t d : *shape)
      if (d < 0) shape.reset();
  if (!shape) {
    ctx_.diags->error(Code::NotConstant, loc(site))
        << "the shape of this weight is not known statically (an input size that is unknown "
           "here? pass --input-shape)";
    return Value::unknown();
  }
  bool trainable = true;
  if (const Value* t = find(kwargs, "trainable")) {
    auto c = t->as_constant();
    if (!c || !c->is_bool()) {
      ctx_.diags->error(Code::NotConstant, loc(site)) << "trainable= is not known statically";
      return Value::unknown();
    }
    trainable = c->b;
  }
  std::string name;
  if (const Value* n = find(kwargs, "name"))
    if (auto c = n->as_constant(); c && c->is_string()) name = c->s;
  pivot::Param p;
  p.name = layer->name + "/" + (name.empty() ? "variable" : name);  // renamed by name_parameters
  p.shape = *shape;
  // A non-trainable weight (a running statistic) is state, not a trained parameter.
  p.buffer = !trainable;
  // Keras' add_weight initializes a float variable with glorot_uniform unless told otherwise.
  std::string why;
  if (auto init = read_initializer(find(kwargs, "initializer"), "glorot_uniform", p.shape, why))
    p.init = *init;
  else
    ctx_.diags->warning(Code::TrainingOnly, loc(site))
        << "initializer of weight '" << name << "': " << why
        << "; the migrated parameter keeps the target framework's default initialization";
  const auto id = ctx_.graph.add_param(std::move(p));
  // Keras saves a layer's trainable variables first, then the non-trainable ones, each in
  // creation order.
  auto at = layer->vars.end();
  if (trainable)
    at = std::find_if(layer->vars.begin(), layer->vars.end(),
                      [&](const VarRef& v) { return ctx_.graph.params[v.param].buffer; });
  layer->vars.insert(at, VarRef{id, "", name.empty() ? "variable" : name});
  Value v;
  v.kind = Value::Kind::Variable;
  v.param = id;
  v.shape = *shape;
  // "layer." + the attribute it is assigned to (see Interpreter::assign) or its name=.
  v.qualified = layer->name + "." + name;
  return v;
}

void Interpreter::build_custom(const LayerPtr& layer, const std::vector<pivot::ValueId>& inputs,
                               Node site) {
  if (layer->built) return;
  layer->built = true;
  Node def;
  for (const ClassDef* c = layer->klass; c && !def; c = c->user_base)
    if (auto it = c->methods.find("build"); it != c->methods.end()) def = it->second;
  if (!def) return;
  // input_shape: a tuple with None for the batch and unknown sizes; a list of them for
  // several inputs.
  std::vector<Value> shapes;
  for (auto id : inputs) {
    std::vector<Value> dims;
    const auto& t = type_of(id);
    for (int64_t d : t.shape)
      dims.push_back(Value::of_const(d >= 0 ? Constant::integer(d) : Constant::none()));
    shapes.push_back(Value::of_list(std::move(dims)));
  }
  Value input_shape = shapes.size() == 1 ? shapes[0] : Value::of_list(shapes);
  Frame self_frame;
  self_frame.self = layer;
  call_function(def, {input_shape}, {}, &self_frame, site);
}

Value Interpreter::variable_op(const std::string& fn, const std::vector<Value>& args, Node site) {
  const auto is_var = [](const Value& v) { return v.kind == Value::Kind::Variable; };
  const Value* x = nullptr;
  const Value* w = nullptr;
  if (args.size() == 2 && args[0].is_tensor() && is_var(args[1])) {
    x = &args[0];
    w = &args[1];
  }
  const bool add = fn == "+" || fn == "add";
  if (add && args.size() == 2 && is_var(args[0]) && args[1].is_tensor()) {
    x = &args[1];  // w + x == x + w
    w = &args[0];
  }
  const bool matmul = fn == "@" || fn == "matmul";
  if (x && w && (add || (matmul && w->shape.size() == 2))) {
    std::string path = w->qualified;
    if (!path.empty() && path.back() == '.') path += "variable";
    std::string node_name = path;
    std::replace(node_name.begin(), node_name.end(), '.', '_');
    pivot::Attrs attrs{{"shape", w->shape}};
    if (add) attrs["slice_axis"] = int64_t{-1};
    auto outs = add_node(add ? OpKind::AddParam : OpKind::MatMulParam, std::move(attrs),
                         {x->tensor}, site, node_name, path);
    ctx_.graph.nodes.back().params = {{"value", w->param}};
    return Value::of_tensor(outs[0]);
  }
  std::vector<pivot::ValueId> tensors;
  for (const auto& a : args)
    if (a.is_tensor()) tensors.push_back(a.tensor);
  return unsupported(Code::UnsupportedOperation, site,
                     "a weight made by add_weight() is only supported in x @ w (ops.matmul) and "
                     "x + w",
                     tensors);
}

}  // namespace nnport::readers::keras
