// NumPy arrays and data around a Keras model. Training scripts size the model from their data:
// `keras.Input(shape=X_train.shape[1:])`, `layers.Dense(len(chars))`. Arrays made by NumPy
// constructors from constants (np.random.rand(200, 8), np.zeros((4, 3)), arange, reshape,
// astype, expand_dims, slicing) are followed by their shape only. Values read from data (a
// file, a dataset, a DataFrame) are Data: unknown, but one Data per expression, so the sizes an
// Input(shape=...) takes from --input-shape are the same sizes wherever else the code uses them.
#include <algorithm>
#include <cmath>

#include "readers/keras/interpreter.h"
#include "syntax/builtins.h"

namespace nnport::readers::keras {

namespace {

using Kwargs = std::vector<std::pair<std::string, Value>>;

const Value* kwarg(const Kwargs& kwargs, const std::string& key) {
  for (const auto& [k, v] : kwargs)
    if (k == key) return &v;
  return nullptr;
}

// The argument at `position`, or the keyword `key`.
const Value* argument(const std::vector<Value>& args, const Kwargs& kwargs, size_t position,
                      const std::string& key) {
  if (position < args.size()) return &args[position];
  return kwarg(kwargs, key);
}

// A NumPy shape argument: an int or a sequence of ints.
std::optional<std::vector<int64_t>> shape_arg(const Value* v) {
  if (!v) return std::nullopt;
  auto c = v->as_constant();
  if (!c) return std::nullopt;
  if (c->is_int()) return std::vector<int64_t>{c->i};
  auto dims = c->as_ints();
  if (!dims) return std::nullopt;
  for (int64_t d : *dims)
    if (d < 0) return std::nullopt;
  return dims;
}

Value array_of(std::vector<int64_t> shape) {
  Value v;
  v.kind = Value::Kind::Array;
  v.shape = std::move(shape);
  return v;
}

// The shape of a nested constant list (np.array([[1, 2], [3, 4]]) -> (2, 2)).
std::optional<std::vector<int64_t>> literal_shape(const Constant& c) {
  if (!c.is_sequence()) {
    if (c.is_number()) return std::vector<int64_t>{};
    return std::nullopt;
  }
  if (c.unordered) return std::nullopt;
  std::vector<int64_t> shape{static_cast<int64_t>(c.items.size())};
  if (c.items.empty()) return shape;
  auto inner = literal_shape(c.items[0]);
  if (!inner) return std::nullopt;
  for (const auto& item : c.items)
    if (literal_shape(item) != inner) return std::nullopt;  // ragged
  shape.insert(shape.end(), inner->begin(), inner->end());
  return shape;
}

std::string key_of(const char* what, int id, const std::string& detail = "") {
  return std::string(what) + "#" + std::to_string(id) + (detail.empty() ? "" : "#" + detail);
}

}  // namespace

bool is_data_source(const std::string& q) {
  static const char* kPrefixes[] = {"pandas.",
                                    "sklearn.",
                                    "keras.datasets.",
                                    "keras.utils.get_file",
                                    "keras.utils.to_categorical",
                                    "keras.utils.text_dataset_from_directory",
                                    "keras.utils.image_dataset_from_directory",
                                    "keras.utils.timeseries_dataset_from_array",
                                    "keras.preprocessing.",
                                    "tensorflow.data.",
                                    "tensorflow.io.",
                                    "tensorflow_datasets.",
                                    "os.",
                                    "pathlib.",
                                    "json.",
                                    "pickle.",
                                    "csv.",
                                    "io.",
                                    "urllib.",
                                    "requests.",
                                    "zipfile.",
                                    "tarfile.",
                                    "gzip.",
                                    "glob."};
  for (const char* prefix : kPrefixes)
    if (q.rfind(prefix, 0) == 0) return true;
  return false;
}

Value Interpreter::data_value(const std::string& key, Node site) {
  auto [it, fresh] = ctx_.data_keys.emplace(key, ctx_.data_values + 1);
  if (fresh) {
    ++ctx_.data_values;
    ctx_.data_text[it->second] = std::string(site ? site.text().substr(0, 80) : "");
  }
  Value v;
  v.kind = Value::Kind::Data;
  v.data = it->second;
  return v;
}

Value Interpreter::resolve_data(Value v) const {
  if (v.kind == Value::Kind::Data)
    if (auto it = ctx_.data_sizes.find(v.data); it != ctx_.data_sizes.end())
      return Value::of_const(Constant::integer(it->second));
  return v;
}

Value Interpreter::numpy_call(const std::string& q, const std::vector<Value>& args,
                              const Kwargs& kwargs, Node site) {
  const std::string fn = q.substr(std::string("numpy.").size());
  const auto source = [&] {
    return data_value("numpy#" + std::to_string(site.start_byte()), site);
  };
  const auto bad_shape = [&]() {
    ctx_.diags->error(Code::NotConstant, loc(site))
        << "the shape of '" << site.text().substr(0, 80) << "' is not known statically";
    return Value::unknown();
  };
  const auto first_array = [&]() -> const Value* {
    const Value* a = argument(args, kwargs, 0, "a");
    if (!a) a = kwarg(kwargs, "arr");
    return a;
  };
  if (fn == "random.seed" || fn == "set_printoptions" || fn == "random.set_state") return Value{};
  if (fn == "random.default_rng" || fn == "random.RandomState") {
    // A generator: rng.normal(size=...) is read like np.random.normal(size=...).
    Value v;
    v.kind = Value::Kind::Name;
    v.qualified = "numpy.random";
    return v;
  }
  if (fn == "random.rand" || fn == "random.randn") {
    std::vector<int64_t> shape;
    for (const auto& a : args) {
      auto c = a.as_constant();
      if (!c || !c->is_int() || c->i < 0) return bad_shape();
      shape.push_back(c->i);
    }
    return array_of(std::move(shape));
  }
  // Samplers taking `size` (position: after their distribution parameters).
  static const std::map<std::string, size_t> kSizePosition{{"random.random", 0},
                                                           {"random.random_sample", 0},
                                                           {"random.ranf", 0},
                                                           {"random.sample", 0},
                                                           {"random.standard_normal", 0},
                                                           {"random.uniform", 2},
                                                           {"random.normal", 2},
                                                           {"random.randint", 2},
                                                           {"random.integers", 2},
                                                           {"random.binomial", 2},
                                                           {"random.poisson", 1},
                                                           {"random.exponential", 1},
                                                           {"random.choice", 1},
                                                           {"random.beta", 2},
                                                           {"random.gamma", 2},
                                                           {"random.permutation", 99}};
  if (auto it = kSizePosition.find(fn); it != kSizePosition.end()) {
    if (fn == "random.permutation") {
      const Value* a = first_array();
      if (a && a->kind == Value::Kind::Array) return *a;
      if (auto c = a ? a->as_constant() : std::nullopt; c && c->is_int() && c->i >= 0)
        return array_of({c->i});
      return source();
    }
    const Value* size = argument(args, kwargs, it->second, "size");
    if (!size || size->kind == Value::Kind::None) return array_of({});
    if (auto shape = shape_arg(size)) return array_of(*shape);
    return bad_shape();
  }
  if (fn == "zeros" || fn == "ones" || fn == "empty" || fn == "full") {
    if (auto shape = shape_arg(argument(args, kwargs, 0, "shape"))) return array_of(*shape);
    return bad_shape();
  }
  if (fn == "zeros_like" || fn == "ones_like" || fn == "empty_like" || fn == "full_like" ||
      fn == "array" || fn == "asarray" || fn == "copy" || fn == "ascontiguousarray" ||
      fn == "float32" || fn == "float64" || fn == "int32" || fn == "int64" || fn == "abs" ||
      fn == "exp" || fn == "log" || fn == "sqrt" || fn == "tanh" || fn == "sin" || fn == "cos" ||
      fn == "clip" || fn == "round") {
    const Value* a = first_array();
    if (a && (a->kind == Value::Kind::Array || a->kind == Value::Kind::Data)) return *a;
    if (auto c = a ? a->as_constant() : std::nullopt)
      if (auto shape = literal_shape(*c)) return array_of(*shape);
    if (a && a->kind == Value::Kind::List) return source();
    return bad_shape();
  }
  if (fn == "arange" || fn == "linspace") {
    std::vector<double> bounds;
    for (const auto& a : args) {
      auto c = a.as_constant();
      if (!c || !c->as_double()) return bad_shape();
      bounds.push_back(*c->as_double());
    }
    if (fn == "linspace") {
      const Value* num = argument(args, kwargs, 2, "num");
      auto c = num ? num->as_constant() : std::optional<Constant>(Constant::integer(50));
      if (!c || !c->is_int() || c->i < 0) return bad_shape();
      return array_of({c->i});
    }
    if (bounds.empty() || bounds.size() > 3 || !kwargs.empty()) return bad_shape();
    double start = 0, stop = bounds[0], step = 1;
    if (bounds.size() >= 2) {
      start = bounds[0];
      stop = bounds[1];
    }
    if (bounds.size() == 3) step = bounds[2];
    const double n = step == 0 ? -1 : std::ceil((stop - start) / step);
    if (!std::isfinite(n) || n > 1e12 || step == 0) return bad_shape();
    return array_of({static_cast<int64_t>(std::max(0.0, n))});
  }
  if (fn == "expand_dims" || fn == "reshape" || fn == "transpose" || fn == "squeeze") {
    const Value* a = first_array();
    if (!a || a->kind == Value::Kind::Data) return source();
    std::vector<Value> rest(args.size() > 1 ? args.begin() + 1 : args.end(), args.end());
    Kwargs renamed;
    for (const auto& [k, v] : kwargs)
      if (k != "a" && k != "arr") renamed.emplace_back(k == "newshape" ? "shape" : k, v);
    if (a->kind == Value::Kind::Array) return array_method(*a, fn, rest, renamed, site);
    return bad_shape();
  }
  if (fn == "concatenate" || fn == "stack" || fn == "vstack" || fn == "hstack") {
    const Value* list = first_array();
    auto axis_c = kwarg(kwargs, "axis") ? kwarg(kwargs, "axis")->as_constant()
                  : args.size() > 1     ? args[1].as_constant()
                                        : std::optional<Constant>(Constant::integer(0));
    if (!list || list->kind != Value::Kind::List || list->items.empty() || !axis_c ||
        !axis_c->is_int())
      return list && list->kind == Value::Kind::List ? source() : bad_shape();
    std::vector<int64_t> shape;
    for (const auto& item : list->items)
      if (item.kind != Value::Kind::Array) return source();
    shape = list->items[0].shape;
    int64_t axis = axis_c->i;
    if (fn == "vstack") axis = 0;
    if (fn == "hstack") axis = shape.size() > 1 ? 1 : 0;
    const auto rank = static_cast<int64_t>(shape.size()) + (fn == "stack" ? 1 : 0);
    if (axis < 0) axis += rank;
    if (axis < 0 || axis >= rank) return bad_shape();
    if (fn == "stack") {
      shape.insert(shape.begin() + axis, static_cast<int64_t>(list->items.size()));
      return array_of(shape);
    }
    shape[static_cast<size_t>(axis)] = 0;
    for (const auto& item : list->items) {
      if (item.shape.size() != shape.size()) return bad_shape();
      shape[static_cast<size_t>(axis)] += item.shape[static_cast<size_t>(axis)];
    }
    return array_of(shape);
  }
  // np.load, np.loadtxt, np.genfromtxt and anything else: data (or a result the reader does not
  // follow), unknown until an Input takes its size from --input-shape.
  return source();
}

Value Interpreter::array_method(const Value& array, const std::string& method,
                                const std::vector<Value>& args, const Kwargs& kwargs, Node site) {
  if (array.kind == Value::Kind::Data)
    return data_value(key_of("method", array.data, method), site);
  const auto bad = [&](const char* why) {
    ctx_.diags->error(Code::NotConstant, loc(site))
        << "'" << site.text().substr(0, 80) << "': " << why;
    return Value::unknown();
  };
  const auto rank = static_cast<int64_t>(array.shape.size());
  if (method == "astype" || method == "copy") return array;
  if (method == "flatten" || method == "ravel") {
    int64_t n = 1;
    for (int64_t d : array.shape)
      if (__builtin_mul_overflow(n, d, &n)) return bad("the array is too large");
    return array_of({n});
  }
  if (method == "reshape") {
    std::vector<int64_t> shape;
    if (args.size() == 1 || kwarg(kwargs, "shape")) {
      auto c = (args.size() == 1 ? args[0] : *kwarg(kwargs, "shape")).as_constant();
      if (c && c->is_int())
        shape = {c->i};
      else if (auto dims = c ? c->as_ints() : std::nullopt)
        shape = *dims;
      else
        return bad("the new shape is not known statically");
    } else {
      for (const auto& a : args) {
        auto c = a.as_constant();
        if (!c || !c->is_int()) return bad("the new shape is not known statically");
        shape.push_back(c->i);
      }
    }
    int64_t total = 1, known = 1;
    for (int64_t d : array.shape)
      if (__builtin_mul_overflow(total, d, &total)) return bad("the array is too large");
    int free_axes = 0;
    for (int64_t d : shape) {
      if (d == -1)
        ++free_axes;
      else if (d < 0 || __builtin_mul_overflow(known, d, &known))
        return bad("invalid new shape");
    }
    if (free_axes > 1) return bad("more than one -1 in the new shape");
    if (free_axes == 1) {
      if (known == 0 || total % known != 0) return bad("the new shape does not fit the array");
      for (int64_t& d : shape)
        if (d == -1) d = total / known;
    } else if (known != total) {
      return bad("the new shape does not fit the array");
    }
    return array_of(shape);
  }
  if (method == "expand_dims" || method == "squeeze" || method == "transpose") {
    const Value* axis_v = argument(args, kwargs, 0, method == "transpose" ? "axes" : "axis");
    auto axis_c = axis_v ? axis_v->as_constant() : std::nullopt;
    std::vector<int64_t> shape = array.shape;
    if (method == "transpose") {
      if (!axis_v || axis_c->is_none()) {
        std::reverse(shape.begin(), shape.end());
        return array_of(shape);
      }
      auto perm = axis_c ? axis_c->as_ints() : std::nullopt;
      if (!perm || static_cast<int64_t>(perm->size()) != rank) return bad("invalid axes");
      std::vector<int64_t> out;
      for (int64_t p : *perm) {
        if (p < 0) p += rank;
        if (p < 0 || p >= rank) return bad("invalid axes");
        out.push_back(shape[static_cast<size_t>(p)]);
      }
      return array_of(out);
    }
    if (method == "squeeze" && (!axis_v || (axis_c && axis_c->is_none()))) {
      shape.erase(std::remove(shape.begin(), shape.end(), 1), shape.end());
      return array_of(shape);
    }
    if (!axis_c || !axis_c->is_int()) return bad("the axis is not known statically");
    int64_t axis = axis_c->i;
    const int64_t out_rank = method == "expand_dims" ? rank + 1 : rank;
    if (axis < 0) axis += out_rank;
    if (axis < 0 || axis >= out_rank) return bad("axis out of range");
    if (method == "expand_dims")
      shape.insert(shape.begin() + axis, 1);
    else if (shape[static_cast<size_t>(axis)] == 1)
      shape.erase(shape.begin() + axis);
    else
      return bad("squeezed axis is not of size 1");
    return array_of(shape);
  }
  return data_value("array#" + std::to_string(site.start_byte()), site);
}

Value Interpreter::array_attribute(const Value& array, const std::string& attr, Node site) {
  if (array.kind == Value::Kind::Data) {
    if (attr == "shape") {
      Value v = data_value(key_of("shape", array.data), site);
      v.shape_of = array.data;
      return v;
    }
    return data_value(key_of("attr", array.data, attr), site);
  }
  if (attr == "shape") {
    std::vector<Value> dims;
    for (int64_t d : array.shape) dims.push_back(Value::of_const(Constant::integer(d)));
    return Value::of_list(std::move(dims));
  }
  if (attr == "ndim")
    return Value::of_const(Constant::integer(static_cast<int64_t>(array.shape.size())));
  if (attr == "T") {
    std::vector<int64_t> shape = array.shape;
    std::reverse(shape.begin(), shape.end());
    return array_of(shape);
  }
  if (attr == "size") {
    int64_t n = 1;
    for (int64_t d : array.shape)
      if (__builtin_mul_overflow(n, d, &n)) return Value::unknown();
    return Value::of_const(Constant::integer(n));
  }
  return data_value("attr#" + std::to_string(site.start_byte()), site);
}

Value Interpreter::array_subscript(const Value& array, const std::vector<Value>& index, Node site,
                                   Frame& frame) {
  std::vector<Node> subs = site.fields(syntax::Field::Subscript);
  if (array.kind == Value::Kind::Data) {
    if (array.shape_of && subs.size() == 1 && !subs[0].is(syntax::Kind::Slice) && !index.empty())
      if (auto c = index[0].as_constant(); c && c->is_int())
        return data_value(key_of("shape", array.shape_of, std::to_string(c->i)), site);
    Value v = data_value(key_of("item", array.data, std::string(site.text().substr(0, 80))), site);
    // x.shape[1:] is still a shape (of unknown rank).
    if (array.shape_of && subs.size() == 1 && subs[0].is(syntax::Kind::Slice))
      v.shape_of = array.shape_of;
    return v;
  }
  std::vector<int64_t> shape;
  size_t axis = 0;
  for (size_t k = 0; k < subs.size(); ++k) {
    if (axis >= array.shape.size())
      return data_value("index#" + std::to_string(site.start_byte()), site);
    const int64_t size = array.shape[axis];
    if (subs[k].is(syntax::Kind::Slice)) {
      auto bounds = syntax::slice_bounds(subs[k], [&](Node b) {
        auto c = eval(b, frame).as_constant();
        if (c && c->is_none()) return syntax::SliceBound{};
        if (!c || !c->as_int()) return syntax::SliceBound{true, std::nullopt};
        return syntax::SliceBound{false, *c->as_int()};
      });
      if (!bounds || size > static_cast<int64_t>(syntax::kMaxFoldItems))
        return data_value("index#" + std::to_string(site.start_byte()), site);
      std::string why;
      auto picked = syntax::apply_slice(
          Constant::list(std::vector<Constant>(static_cast<size_t>(size))), *bounds, why);
      if (!picked) return data_value("index#" + std::to_string(site.start_byte()), site);
      shape.push_back(static_cast<int64_t>(picked->items.size()));
    } else if (k < index.size() && index[k].as_constant() && index[k].as_constant()->is_int()) {
      // an int index drops the axis
    } else {
      return data_value("index#" + std::to_string(site.start_byte()), site);
    }
    ++axis;
  }
  for (; axis < array.shape.size(); ++axis) shape.push_back(array.shape[axis]);
  return array_of(shape);
}

bool Interpreter::bind_data_shape(const Value& shape, bool has_batch, std::vector<int64_t>& dims,
                                  Node site) {
  const bool whole = shape.kind == Value::Kind::Data;
  const bool some = shape.kind == Value::Kind::List &&
                    std::any_of(shape.items.begin(), shape.items.end(),
                                [](const Value& v) { return v.kind == Value::Kind::Data; });
  if (!whole && !some) return false;
  std::string texts;
  const auto note_text = [&](const Value& v) {
    texts += (texts.empty() ? "'" : ", '") + ctx_.data_text[v.data] + "'";
  };
  if (whole)
    note_text(shape);
  else
    for (const auto& item : shape.items)
      if (item.kind == Value::Kind::Data) note_text(item);
  const InputSpec* spec = ctx_.inputs_made < ctx_.input_overrides.size()
                              ? &ctx_.input_overrides[ctx_.inputs_made]
                              : nullptr;
  if (!spec || !spec->shape) {
    ctx_.diags->error(Code::NeedsInputShape, loc(site))
        << "this Input's shape uses " << texts
        << ", computed from data the reader does not read; pass --input-shape";
    return true;
  }
  std::vector<int64_t> given = *spec->shape;  // with the batch axis
  const size_t offset = has_batch ? 0 : 1;
  if (!whole && given.size() != shape.items.size() + offset) {
    ctx_.diags->error(Code::InvalidInputShape, loc(site))
        << "--input-shape has rank " << given.size() << " but this Input takes "
        << shape.items.size() + offset << " axes (with the batch)";
    return true;
  }
  std::string bound;
  if (!whole)
    for (size_t i = 0; i < shape.items.size(); ++i) {
      const Value& item = shape.items[i];
      if (item.kind != Value::Kind::Data) continue;
      const int64_t size = given[i + offset];
      if (size < 0) continue;  // N or ? in --input-shape: still unknown
      ctx_.data_sizes[item.data] = size;
      bound +=
          (bound.empty() ? "" : ", ") + ctx_.data_text[item.data] + " = " + std::to_string(size);
    }
  dims.assign(given.begin() + static_cast<std::ptrdiff_t>(offset), given.end());
  ctx_.diags->report(Code::NeedsInputShape, Severity::Note, loc(site))
      << "this Input's shape uses " << texts << ", computed from data; taken from --input-shape"
      << (bound.empty() ? "" : " (" + bound + ")");
  return true;
}

}  // namespace nnport::readers::keras
