// keras.ops / tf functions, Python operators and subscripts on symbolic tensors. One table maps
// function names (Keras 3 and TensorFlow spellings) to a rule; each rule builds pivot nodes.
#include <algorithm>
#include <cmath>
#include <set>

#include "frameworks/keras/reader_rows.h"
#include "pivot/ops/catalog.h"
#include "readers/keras/interpreter.h"

namespace nnport::readers::keras {

using pivot::OpKind;
using pivot::ValueId;
using syntax::Field;
using syntax::Kind;

namespace {

enum class FnRule {
  Equal,
  LogicalNot,
  Unary,
  Activation,
  Binary,
  Reshape,
  Transpose,
  Concat,
  Stack,
  Reduce,
  Pad,
  Tile,
  ExpandDims,
  Squeeze,
  Normalize,
  L2Normalize,
  Softmax,
  Flatten,
  Cast,
  Shape,
  Arange,
  Flip,
  Tensordot,
  BlockShuffle
};

struct FnRow {
  const char* name;  // keras.ops / tf spelling (without module)
  FnRule rule;
  OpKind kind;
};

constexpr FnRow kFunctions[] = {
    {"equal", FnRule::Equal, OpKind::Equal},
    {"logical_not", FnRule::LogicalNot, OpKind::Unsupported},
    {"relu", FnRule::Unary, OpKind::Relu},
    {"relu6", FnRule::Unary, OpKind::Relu6},
    {"sigmoid", FnRule::Unary, OpKind::Sigmoid},
    {"tanh", FnRule::Unary, OpKind::Tanh},
    {"silu", FnRule::Unary, OpKind::Silu},
    {"swish", FnRule::Unary, OpKind::Silu},
    {"selu", FnRule::Unary, OpKind::Selu},
    {"softsign", FnRule::Unary, OpKind::Softsign},
    {"mish", FnRule::Unary, OpKind::Mish},
    {"hard_silu", FnRule::Unary, OpKind::Hardswish},
    {"hard_swish", FnRule::Unary, OpKind::Hardswish},
    {"square", FnRule::Unary, OpKind::Square},
    {"sqrt", FnRule::Unary, OpKind::Sqrt},
    {"abs", FnRule::Unary, OpKind::Abs},
    {"absolute", FnRule::Unary, OpKind::Abs},
    {"exp", FnRule::Unary, OpKind::Exp},
    {"log", FnRule::Unary, OpKind::Log},
    {"gelu", FnRule::Activation, OpKind::Gelu},
    {"elu", FnRule::Activation, OpKind::Elu},
    {"leaky_relu", FnRule::Activation, OpKind::LeakyRelu},
    {"softplus", FnRule::Activation, OpKind::Softplus},
    {"softmax", FnRule::Softmax, OpKind::Softmax},
    {"log_softmax", FnRule::Softmax, OpKind::LogSoftmax},
    {"add", FnRule::Binary, OpKind::Add},
    {"subtract", FnRule::Binary, OpKind::Sub},
    {"multiply", FnRule::Binary, OpKind::Mul},
    {"divide", FnRule::Binary, OpKind::Div},
    {"truediv", FnRule::Binary, OpKind::Div},
    {"maximum", FnRule::Binary, OpKind::Maximum},
    {"matmul", FnRule::Binary, OpKind::MatMul},
    {"minimum", FnRule::Binary, OpKind::Minimum},
    {"reshape", FnRule::Reshape, OpKind::Reshape},
    {"transpose", FnRule::Transpose, OpKind::Transpose},
    {"concatenate", FnRule::Concat, OpKind::Concat},
    {"concat", FnRule::Concat, OpKind::Concat},
    {"stack", FnRule::Stack, OpKind::Stack},
    {"mean", FnRule::Reduce, OpKind::ReduceMean},
    {"reduce_mean", FnRule::Reduce, OpKind::ReduceMean},
    {"max", FnRule::Reduce, OpKind::ReduceMax},
    {"reduce_max", FnRule::Reduce, OpKind::ReduceMax},
    {"sum", FnRule::Reduce, OpKind::ReduceSum},
    {"reduce_sum", FnRule::Reduce, OpKind::ReduceSum},
    {"pad", FnRule::Pad, OpKind::Pad},
    {"tile", FnRule::Tile, OpKind::Tile},
    {"expand_dims", FnRule::ExpandDims, OpKind::Unsqueeze},
    {"squeeze", FnRule::Squeeze, OpKind::Squeeze},
    {"normalize", FnRule::Normalize, OpKind::L2Normalize},
    {"l2_normalize", FnRule::L2Normalize, OpKind::L2Normalize},
    {"flatten", FnRule::Flatten, OpKind::Flatten},
    {"cast", FnRule::Cast, OpKind::Identity},
    {"shape", FnRule::Shape, OpKind::Identity},
    {"arange", FnRule::Arange, OpKind::Unsupported},
    {"range", FnRule::Arange, OpKind::Unsupported},
    {"flip", FnRule::Flip, OpKind::Flip},
    {"reverse", FnRule::Flip, OpKind::Flip},
    {"tensordot", FnRule::Tensordot, OpKind::Tensordot},
    {"depth_to_space", FnRule::BlockShuffle, OpKind::DepthToSpace},
    {"space_to_depth", FnRule::BlockShuffle, OpKind::SpaceToDepth},
};

// An `axis` argument: one int or a sequence of ints.
std::optional<std::vector<int64_t>> axes_of(const Constant& c) {
  if (auto one = c.as_int(); one && !c.is_sequence()) return std::vector<int64_t>{*one};
  return c.as_ints();
}

const Value* arg(const std::vector<Value>& args,
                 const std::vector<std::pair<std::string, Value>>& kwargs, size_t position,
                 std::initializer_list<const char*> keys) {
  for (const char* key : keys)
    for (const auto& [k, v] : kwargs)
      if (k == key) return &v;
  return position < args.size() ? &args[position] : nullptr;
}

std::optional<Constant> const_arg(const std::vector<Value>& args,
                                  const std::vector<std::pair<std::string, Value>>& kwargs,
                                  size_t position, std::initializer_list<const char*> keys) {
  const Value* v = arg(args, kwargs, position, keys);
  if (!v) return std::nullopt;
  return v->as_constant();
}

// tensordot's `axes`: an integer n (a's last n axes against b's first n; Keras' default 2) or
// a pair of axis lists, normalised against the operands' ranks.
std::optional<std::pair<std::vector<int64_t>, std::vector<int64_t>>> tensordot_axes(
    const std::optional<Constant>& axes, const pivot::TensorType& a, const pivot::TensorType& b) {
  if (!a.rank_known || !b.rank_known) return std::nullopt;
  std::vector<int64_t> on_a, on_b;
  if (!axes || (axes->is_int() && !axes->is_sequence())) {
    const int64_t n = axes ? axes->i : 2;
    if (n < 0 || n > static_cast<int64_t>(a.rank()) || n > static_cast<int64_t>(b.rank()))
      return std::nullopt;
    for (int64_t i = 0; i < n; ++i) {
      on_a.push_back(static_cast<int64_t>(a.rank()) - n + i);
      on_b.push_back(i);
    }
    return std::pair{on_a, on_b};
  }
  if (!axes->is_sequence() || axes->items.size() != 2) return std::nullopt;
  for (size_t side = 0; side < 2; ++side) {
    const Constant& item = axes->items[side];
    auto list = axes_of(item);
    if (!list) return std::nullopt;
    const size_t rank = side == 0 ? a.rank() : b.rank();
    for (int64_t axis : *list) {
      auto normal = pivot::normalize_axis(axis, rank);
      if (!normal) return std::nullopt;
      (side == 0 ? on_a : on_b).push_back(static_cast<int64_t>(*normal));
    }
  }
  if (on_a.size() != on_b.size()) return std::nullopt;
  return std::pair{on_a, on_b};
}

}  // namespace

Value Interpreter::tensor_function(const std::string& name, const std::vector<Value>& args,
                                   const std::vector<std::pair<std::string, Value>>& kwargs,
                                   Node site) {
  std::string fn = name;
  if (fn.rfind("activation:", 0) == 0) fn = fn.substr(11);
  if (std::any_of(args.begin(), args.end(),
                  [](const Value& a) { return a.kind == Value::Kind::Variable; }))
    return variable_op(fn, args, site);
  const FnRow* row = nullptr;
  for (const auto& r : kFunctions)
    if (fn == r.name) row = &r;
  std::vector<ValueId> tensors;
  for (const auto& a : args) {
    if (a.is_tensor())
      tensors.push_back(a.tensor);
    else if (a.kind == Value::Kind::List)
      for (const auto& item : a.items)
        if (item.is_tensor()) tensors.push_back(item.tensor);
  }
  const std::string shown =
      name.rfind("method:", 0) == 0 ? "tensor method " + name.substr(7) : "'" + fn + "'";
  if (!row)
    return unsupported(Code::UnsupportedOperation, site, shown + " is not supported", tensors);
  if (row->rule == FnRule::Arange) return arange(args, kwargs, site);
  const Value* x = arg(args, kwargs, 0, {"x", "inputs", "tensor", "input", "features", "logits"});
  auto need_tensor = [&]() -> bool {
    if (x && x->is_tensor()) return true;
    ctx_.diags->error(Code::UnsupportedOperation, loc(site))
        << shown << " is only followed on tensors";
    return false;
  };
  auto one = [&](OpKind kind, pivot::Attrs attrs) {
    return Value::of_tensor(add_node(kind, std::move(attrs), {x->tensor}, site, fn, "")[0]);
  };
  const auto axis_arg = const_arg(args, kwargs, 1, {"axis", "dim"});
  switch (row->rule) {
    case FnRule::Equal: {
      const Value* b = arg(args, kwargs, 1, {"x2", "y"});
      if (!need_tensor() || !b) return Value::unknown();
      if (b->is_tensor())
        return Value::of_tensor(
            add_node(OpKind::Equal, {}, {x->tensor, b->tensor}, site, fn, "")[0]);
      auto c = b->as_constant();
      auto d = c ? c->as_double() : std::nullopt;
      if (!d)
        return unsupported(Code::NotConstant, site, "the operand of equal is not known statically",
                           tensors);
      return one(OpKind::Equal, {{"scalar", *d}});
    }
    case FnRule::LogicalNot: {
      // No pivot op: only an attention mask may read it (MultiHeadAttention takes the negation
      // back as its key padding mask); any other use is reported after the graph is complete.
      if (!need_tensor()) return Value::unknown();
      pivot::Attrs attrs{
          {"code", std::string("unsupported-operation")},
          {"text", std::string(site.text().substr(0, 200))},
          {"message", std::string("logical_not is only supported inside attention masks")}};
      auto out = add_node(OpKind::Unsupported, std::move(attrs), {x->tensor}, site, fn, "")[0];
      ctx_.negation_of[out] = x->tensor;
      return Value::of_tensor(out);
    }
    case FnRule::Unary:
      if (!need_tensor()) return Value::unknown();
      // keras.activations.relu(x, negative_slope=, max_value=, threshold=) and the like: an
      // argument beyond x (and tf's name=) would change the function.
      if (args.size() > 1 || std::any_of(kwargs.begin(), kwargs.end(), [](const auto& kv) {
            static const std::set<std::string> kInput = {"name",  "x",        "inputs", "tensor",
                                                         "input", "features", "logits"};
            return !kInput.count(kv.first);
          }))
        return unsupported(Code::UnsupportedArgument, site,
                           shown + " with arguments other than its input is not supported",
                           tensors);
      return one(row->kind, {});
    case FnRule::Activation: {
      if (!need_tensor()) return Value::unknown();
      if (row->kind == OpKind::Gelu) {
        auto approx = const_arg(args, kwargs, 1, {"approximate"});
        // keras.ops.gelu defaults to approximate=True, the activation function to False.
        const bool tanh_form =
            approx ? approx->truthy() : name.rfind("activation:", 0) != 0 && !ctx_.tf_keras;
        return one(OpKind::Gelu, {{"approximate", std::string(tanh_form ? "tanh" : "none")}});
      }
      if (row->kind == OpKind::Elu)
        return one(OpKind::Elu, {{"alpha", const_arg(args, kwargs, 1, {"alpha"})
                                               .value_or(Constant::floating(1.0))
                                               .as_double()
                                               .value_or(1.0)}});
      if (row->kind == OpKind::LeakyRelu)
        return one(OpKind::LeakyRelu,
                   {{"negative_slope", const_arg(args, kwargs, 1, {"negative_slope", "alpha"})
                                           .value_or(Constant::floating(0.2))
                                           .as_double()
                                           .value_or(0.2)}});
      return one(OpKind::Softplus, {{"beta", 1.0}, {"threshold", 20.0}});
    }
    case FnRule::Softmax: {
      if (!need_tensor()) return Value::unknown();
      int64_t axis = -1;
      if (axis_arg && axis_arg->is_int()) axis = axis_arg->i;
      return one(row->kind, {{"axis", axis}});
    }
    case FnRule::Binary: {
      const Value* b = arg(args, kwargs, 1, {"x2", "y"});
      const Value* a = arg(args, kwargs, 0, {"x1", "x"});
      if (!a || !b)
        return unsupported(Code::UnsupportedOperation, site, shown + " needs two operands",
                           tensors);
      static const std::map<OpKind, std::string> kOps{
          {OpKind::Add, "+"}, {OpKind::Sub, "-"}, {OpKind::Mul, "*"}, {OpKind::Div, "/"}};
      if (auto it = kOps.find(row->kind); it != kOps.end())
        return tensor_binary(it->second, *a, *b, site);
      if (a->is_tensor() != b->is_tensor() &&
          (row->kind == OpKind::Maximum || row->kind == OpKind::Minimum)) {
        // maximum(x, keras.backend.epsilon()): symmetric, so the constant's side does not matter.
        const Value& t = a->is_tensor() ? *a : *b;
        auto c = (a->is_tensor() ? *b : *a).as_constant();
        auto d = c ? c->as_double() : std::nullopt;
        if (!d)
          return unsupported(Code::NotConstant, site,
                             "the constant operand of " + shown + " is not known statically",
                             tensors);
        return Value::of_tensor(add_node(row->kind, {{"scalar", *d}}, {t.tensor}, site, fn, "")[0]);
      }
      if (!a->is_tensor() || !b->is_tensor())
        return unsupported(Code::UnsupportedOperation, site,
                           shown + " with a constant operand is not supported", tensors);
      return Value::of_tensor(add_node(row->kind, {}, {a->tensor, b->tensor}, site, fn, "")[0]);
    }
    case FnRule::Tensordot: {
      const Value* a = arg(args, kwargs, 0, {"x1", "a"});
      const Value* b = arg(args, kwargs, 1, {"x2", "b"});
      if (!a || !b || !a->is_tensor() || !b->is_tensor())
        return unsupported(Code::UnsupportedOperation, site,
                           shown + " is only followed between two tensors", tensors);
      auto axes = tensordot_axes(const_arg(args, kwargs, 2, {"axes"}), type_of(a->tensor),
                                 type_of(b->tensor));
      if (!axes)
        return unsupported(
            Code::NotConstant, site,
            "the axes of " + shown + " are not an integer or two lists of axes known statically",
            tensors);
      return Value::of_tensor(add_node(OpKind::Tensordot,
                                       {{"axes_a", axes->first}, {"axes_b", axes->second}},
                                       {a->tensor, b->tensor}, site, fn, "")[0]);
    }
    case FnRule::Reshape: {
      if (!need_tensor()) return Value::unknown();
      auto shape = const_arg(args, kwargs, 1, {"newshape", "shape", "new_shape"});
      std::vector<int64_t> dims;
      if (shape && shape->is_sequence())
        for (const auto& d : shape->items)
          dims.push_back(d.is_none() ? -1 : d.as_int().value_or(-3));
      if (dims.empty() || std::any_of(dims.begin(), dims.end(), [](int64_t d) { return d < -1; }))
        return unsupported(Code::NotConstant, site,
                           "the target shape of reshape is not known statically", tensors);
      // A leading -1 stands for the batch when the rest matches the input's per-sample size;
      // otherwise it folds a factor of the per-sample size into the batch, remembered so that a
      // later reshape unfolds it exactly.
      const auto& t = type_of(x->tensor);
      std::optional<int64_t> fold;
      if (dims[0] == -1 && t.rank_known && !t.shape.empty()) {
        int64_t in = 1, out = 1;
        bool known = true;
        for (size_t i = 1; i < t.shape.size(); ++i)
          known = known && t.shape[i] >= 0, in *= std::max<int64_t>(t.shape[i], 1);
        for (size_t i = 1; i < dims.size(); ++i)
          known = known && dims[i] >= 0, out *= std::max<int64_t>(dims[i], 1);
        auto folded = ctx_.folded.find(x->tensor);
        const int64_t factor = t.shape[0] == pivot::kBatch   ? 1
                               : folded != ctx_.folded.end() ? folded->second
                                                             : 0;
        if (known && factor > 0 && in * factor == out)
          dims[0] = pivot::kBatch;
        else if (known && factor > 0 && out > 0 && (in * factor) % out == 0)
          fold = in * factor / out;
      }
      Value result = one(OpKind::Reshape, {{"shape", dims}});
      if (fold) ctx_.folded[result.tensor] = *fold;
      return result;
    }
    case FnRule::Transpose: {
      if (!need_tensor()) return Value::unknown();
      auto axes = const_arg(args, kwargs, 1, {"axes", "perm"});
      std::vector<int64_t> perm;
      if (axes)
        perm = axes->as_ints().value_or(std::vector<int64_t>{});
      else
        for (size_t i = type_of(x->tensor).rank(); i-- > 0;)
          perm.push_back(static_cast<int64_t>(i));
      return one(OpKind::Transpose, {{"perm", perm}});
    }
    case FnRule::Concat:
    case FnRule::Stack: {
      const Value* list = arg(args, kwargs, 0, {"xs", "values", "tensors", "arrays"});
      std::vector<ValueId> items;
      if (list && list->kind == Value::Kind::List)
        for (const auto& item : list->items) {
          if (!item.is_tensor())
            return unsupported(Code::UnsupportedOperation, site, shown + " of non-tensors",
                               tensors);
          items.push_back(item.tensor);
        }
      if (items.empty())
        return unsupported(Code::UnsupportedOperation, site, shown + " needs a list of tensors",
                           tensors);
      const int64_t axis =
          axis_arg && axis_arg->is_int() ? axis_arg->i : (row->rule == FnRule::Concat ? -1 : 0);
      return Value::of_tensor(add_node(row->kind, {{"axis", axis}}, items, site, fn, "")[0]);
    }
    case FnRule::Reduce: {
      if (!need_tensor()) return Value::unknown();
      std::vector<int64_t> axes;
      if (axis_arg)
        axes = axes_of(*axis_arg).value_or(std::vector<int64_t>{});
      else
        for (size_t i = 0; i < type_of(x->tensor).rank(); ++i)
          axes.push_back(static_cast<int64_t>(i));
      const auto keep = const_arg(args, kwargs, 2, {"keepdims"});
      return one(row->kind, {{"axes", axes}, {"keepdims", keep && keep->truthy()}});
    }
    case FnRule::Pad: {
      if (!need_tensor()) return Value::unknown();
      auto width = const_arg(args, kwargs, 1, {"pad_width", "paddings"});
      std::vector<int64_t> pads;
      if (width && width->is_sequence())
        for (const auto& pair : width->items) {
          auto p = pair.as_ints();
          if (!p || p->size() != 2)
            return unsupported(Code::NotConstant, site, "pad widths must be constant pairs",
                               tensors);
          pads.insert(pads.end(), p->begin(), p->end());
        }
      std::string mode = "constant";
      if (auto m = const_arg(args, kwargs, 2, {"mode"}); m && m->is_string()) mode = m->s;
      std::transform(mode.begin(), mode.end(), mode.begin(),
                     [](char c) { return static_cast<char>(std::tolower(c)); });
      // NumPy/Keras 'symmetric' of one cell repeats the edge: the pivot's 'replicate'.
      const bool one_cell = std::all_of(pads.begin(), pads.end(), [](int64_t p) { return p <= 1; });
      if (mode == "symmetric" && one_cell) mode = "replicate";
      if (mode != "constant" && mode != "reflect" && mode != "replicate")
        return unsupported(Code::UnsupportedArgument, site,
                           "pad mode '" + mode + "' is not supported", tensors);
      double value = 0.0;
      if (auto c = const_arg(args, kwargs, 3, {"constant_values"}))
        value = c->as_double().value_or(0.0);
      return one(OpKind::Pad, {{"pads", pads}, {"mode", mode}, {"value", value}});
    }
    case FnRule::Tile: {
      if (!need_tensor()) return Value::unknown();
      auto reps = const_arg(args, kwargs, 1, {"repeats", "multiples"});
      auto r = reps ? reps->as_ints() : std::nullopt;
      if (!r) return unsupported(Code::NotConstant, site, "tile repeats must be constant", tensors);
      return one(OpKind::Tile, {{"repeats", *r}});
    }
    case FnRule::Flip: {
      if (!need_tensor()) return Value::unknown();
      // keras.ops.flip(x, axis=None) reverses every axis, the batch included: not followed.
      auto axes = axis_arg && !axis_arg->is_none() ? axes_of(*axis_arg) : std::nullopt;
      if (!axes)
        return unsupported(Code::NotConstant, site, shown + " needs a constant axis", tensors);
      return one(OpKind::Flip, {{"axes", *axes}});
    }
    case FnRule::BlockShuffle: {
      if (!need_tensor()) return Value::unknown();
      // tf.nn.depth_to_space(input, block_size, data_format="NHWC"): TensorFlow's channel order
      // is the pivot's 'DCR'. NCHW (a GPU-only TensorFlow kernel) is not followed.
      auto format = const_arg(args, kwargs, 2, {"data_format"});
      if (format && !(format->is_string() && format->s == "NHWC"))
        return unsupported(Code::UnsupportedArgument, site,
                           shown + " is only supported with data_format=\"NHWC\"", tensors);
      auto block = const_arg(args, kwargs, 1, {"block_size"});
      auto r = block ? block->as_int() : std::nullopt;
      if (!r || *r < 2)
        return unsupported(Code::NotConstant, site,
                           shown + " needs a constant block_size of at least 2", tensors);
      return one(row->kind, {{"blocksize", *r},
                             {"mode", std::string("DCR")},
                             {"data_format", std::string("channels_last")}});
    }
    case FnRule::ExpandDims:
    case FnRule::Squeeze: {
      if (!need_tensor()) return Value::unknown();
      auto axes = axis_arg ? axes_of(*axis_arg) : std::nullopt;
      if (!axes)
        return unsupported(Code::NotConstant, site, shown + " needs a constant axis", tensors);
      return one(row->kind, {{"axes", *axes}});
    }
    case FnRule::Normalize:
    case FnRule::L2Normalize: {
      if (!need_tensor()) return Value::unknown();
      if (auto order = const_arg(args, kwargs, 2, {"order"});
          order && order->as_int().value_or(2) != 2)
        return unsupported(Code::UnsupportedArgument, site, "only the L2 norm is supported",
                           tensors);
      const int64_t axis = axis_arg && axis_arg->is_int() ? axis_arg->i : -1;
      // keras.ops.normalize bounds the norm by epsilon; tf.math.l2_normalize bounds its square.
      double eps = row->rule == FnRule::Normalize ? 1e-7 : 1e-12;
      if (auto e = const_arg(args, kwargs, 3, {"epsilon"})) eps = e->as_double().value_or(eps);
      if (row->rule == FnRule::L2Normalize) eps = std::sqrt(eps);
      return one(OpKind::L2Normalize, {{"axis", axis}, {"epsilon", eps}});
    }
    case FnRule::Flatten:
      if (!need_tensor()) return Value::unknown();
      return one(OpKind::Flatten, {{"start_dim", int64_t{1}}, {"end_dim", int64_t{-1}}});
    case FnRule::Cast: {
      if (!need_tensor()) return Value::unknown();
      auto dtype = const_arg(args, kwargs, 1, {"dtype"});
      if (dtype && dtype->is_string() &&
          dtype->s == std::string(pivot::dtype_name(type_of(x->tensor).dtype)))
        return *x;
      return unsupported(Code::UnsupportedOperation, site,
                         "casts that change the dtype are not supported", tensors);
    }
    case FnRule::Arange: return Value::unknown();  // handled above
    case FnRule::Shape: {
      if (!need_tensor()) return Value::unknown();
      std::vector<Value> dims;
      for (int64_t d : type_of(x->tensor).shape)
        dims.push_back(d >= 0 ? Value::of_const(Constant::integer(d)) : Value::unknown());
      return Value::of_list(std::move(dims));
    }
  }
  return Value::unknown();
}

// ops.arange(0, n) / tf.range(0, n) with a static n: the positions 0..n-1 (int64, shape (n,)).
// No pivot op computes them; an Embedding looking them up and added to a tensor becomes the
// embedding table added by position (AddParam, see position_table), anything else is reported.
Value Interpreter::arange(const std::vector<Value>& args,
                          const std::vector<std::pair<std::string, Value>>& kwargs, Node site) {
  auto start = const_arg(args, kwargs, 0, {"start"});
  auto stop = const_arg(args, kwargs, 1, {"stop", "limit"});
  auto step = const_arg(args, kwargs, 2, {"step", "delta"});
  if (start && !stop && args.size() == 1) stop = start, start = Constant::integer(0);
  // Sentinels instead of optionals: GCC's -O3 flow analysis misreads the optional chain.
  const int64_t b = start ? start->as_int().value_or(-1) : 0;
  const int64_t e = stop ? stop->as_int().value_or(0) : 0;
  const int64_t d = step ? step->as_int().value_or(0) : 1;
  if (b != 0 || d != 1 || e <= 0)
    return unsupported(Code::UnsupportedOperation, site,
                       "arange is only supported from 0 to a static length with step 1", {});
  pivot::Attrs attrs{
      {"code", std::string("unsupported-operation")},
      {"text", std::string(site.text().substr(0, 200))},
      {"message", std::string("arange is only supported as the positions of an Embedding added to "
                              "a sequence")}};
  const auto out = add_node(OpKind::Unsupported, std::move(attrs), {}, site, "arange", "")[0];
  pivot::TensorType t;
  t.dtype = pivot::DType::Int64;
  t.shape = {e};
  ctx_.graph.values[out].type = t;
  ctx_.positions.insert(out);
  return Value::of_tensor(out);
}

// `x + emb(positions)`: the Embedding node reading ops.arange positions, or nullopt.
std::optional<size_t> Interpreter::position_table(ValueId v) const {
  const auto& g = ctx_.graph;
  const int p = g.producer(v);
  if (p < 0) return std::nullopt;
  const auto& n = g.nodes[static_cast<size_t>(p)];
  if (n.kind != OpKind::Embedding || n.inputs.size() != 1 || !ctx_.positions.count(n.inputs[0]))
    return std::nullopt;
  return static_cast<size_t>(p);
}

Value Interpreter::tensor_binary(const std::string& op, const Value& a, const Value& b, Node site) {
  if (a.kind == Value::Kind::Variable || b.kind == Value::Kind::Variable)
    return variable_op(op, {a, b}, site);
  if (op == "+" && a.is_tensor() && b.is_tensor()) {
    // Token embeddings plus position embeddings: the table's first L rows added by position.
    const bool b_table = position_table(b.tensor).has_value();
    if (auto table = b_table ? position_table(b.tensor) : position_table(a.tensor)) {
      const ValueId x = b_table ? a.tensor : b.tensor;
      const pivot::Node n = ctx_.graph.nodes[*table];
      const std::vector<int64_t> shape{pivot::attr_int(n, "num_embeddings"),
                                       pivot::attr_int(n, "embedding_dim")};
      auto out = add_node(OpKind::AddParam, {{"shape", shape}, {"slice_axis", int64_t{0}}}, {x},
                          site, n.name, n.module_path);
      ctx_.graph.nodes.back().params = {{"value", n.params.at("weight")}};
      return Value::of_tensor(out[0]);
    }
  }
  static const std::map<std::string, OpKind> kOps{{"+", OpKind::Add},
                                                  {"-", OpKind::Sub},
                                                  {"*", OpKind::Mul},
                                                  {"/", OpKind::Div},
                                                  {"@", OpKind::MatMul}};
  auto it = kOps.find(op);
  if (op == "@" && !(a.is_tensor() && b.is_tensor())) it = kOps.end();
  std::vector<ValueId> tensors;
  if (a.is_tensor()) tensors.push_back(a.tensor);
  if (b.is_tensor()) tensors.push_back(b.tensor);
  if (it == kOps.end())
    return unsupported(Code::UnsupportedOperation, site,
                       "operator '" + op + "' on tensors is not supported", tensors);
  if (a.is_tensor() && b.is_tensor())
    return Value::of_tensor(add_node(it->second, {}, {a.tensor, b.tensor}, site,
                                     std::string(pivot::op_name(it->second)), "")[0]);
  const Value& scalar = a.is_tensor() ? b : a;
  auto c = scalar.as_constant();
  auto d = c ? c->as_double() : std::nullopt;
  if (!d)
    return unsupported(Code::UnsupportedOperation, site, "only tensors and numbers can be combined",
                       tensors);
  pivot::Attrs attrs{{"scalar", *d}};
  if (!a.is_tensor()) attrs["scalar_first"] = true;
  return Value::of_tensor(add_node(it->second, std::move(attrs), tensors, site,
                                   std::string(pivot::op_name(it->second)), "")[0]);
}

Value Interpreter::tensor_subscript(ValueId x, Node expr, Frame& frame, Node site) {
  const auto& t = type_of(x);
  std::vector<Node> subs = expr.fields(Field::Subscript);
  if (subs.size() == 1 && subs[0].is(Kind::Tuple)) subs = subs[0].named_children();
  std::vector<int64_t> axes, starts, stops, steps, squeeze;
  size_t axis = 0;
  for (Node s : subs) {
    if (s.is(Kind::Ellipsis))
      return unsupported(Code::UnsupportedSyntax, site, "'...' in a subscript is not supported",
                         {x});
    if (s.is(Kind::Slice)) {
      // start:stop:step with optional parts, in source order.
      int64_t parts[3] = {0, pivot::kSliceEnd, 1};
      bool given[3] = {false, false, false};
      int part = 0;
      for (uint32_t i = 0; i < s.child_count(); ++i) {
        Node c = s.child(i);
        if (c.type() == ":") {
          ++part;
          continue;
        }
        if (part > 2) break;
        auto v = eval(c, frame).as_constant();
        auto n = v ? v->as_int() : std::nullopt;
        if (!n) return unsupported(Code::NotConstant, site, "slice bounds must be constant", {x});
        parts[part] = *n;
        given[part] = true;
      }
      if (given[0] || given[1] || given[2]) {
        if (axis == 0)
          return unsupported(Code::UnsupportedSyntax, site,
                             "slicing the batch axis is not supported", {x});
        axes.push_back(static_cast<int64_t>(axis));
        starts.push_back(parts[0]);
        stops.push_back(parts[1]);
        steps.push_back(parts[2]);
      }
    } else {
      auto v = eval(s, frame).as_constant();
      auto n = v ? v->as_int() : std::nullopt;
      if (!n)
        return unsupported(Code::UnsupportedSyntax, site,
                           "only constant indices and slices are supported", {x});
      if (axis == 0)
        return unsupported(Code::UnsupportedSyntax, site,
                           "indexing the batch axis is not supported", {x});
      axes.push_back(static_cast<int64_t>(axis));
      starts.push_back(*n);
      stops.push_back(*n == -1 ? pivot::kSliceEnd : *n + 1);
      steps.push_back(1);
      squeeze.push_back(static_cast<int64_t>(axis));
    }
    ++axis;
  }
  if (t.rank_known && axis > t.rank())
    return unsupported(Code::ShapeMismatch, site, "too many indices", {x});
  if (axes.empty()) return Value::of_tensor(x);
  pivot::Attrs attrs{{"axes", axes}, {"starts", starts}, {"stops", stops}, {"steps", steps}};
  if (!squeeze.empty()) attrs["squeeze_axes"] = squeeze;
  return Value::of_tensor(add_node(OpKind::Slice, std::move(attrs), {x}, site, "slice", "")[0]);
}

}  // namespace nnport::readers::keras
