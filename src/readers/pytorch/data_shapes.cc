// The model's input shape followed statically through the training script's data (see
// data_shapes.h).
#include "readers/pytorch/data_shapes.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "frameworks/training_table.h"
#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::pytorch {

using syntax::Field;
using syntax::Kind;

namespace {

constexpr int64_t kUnknown = -1;
constexpr size_t kStatementBudget = 20000;
constexpr int kMaxCallDepth = 8;

// What a script value is, as far as its shape goes.
struct Val {
  enum class K {
    None,       // nothing this file follows (a loss, an optimiser, a string, ...)
    Array,      // a NumPy array or tensor: `dims` (kUnknown where only run time knows)
    Opaque,     // data whose shape only run time knows (a CSV read, a call nnport cannot follow)
    Data,       // a Dataset or DataLoader: `items` are its samples' fields with a leading count
    Tuple,      // `items`
    Int,        // an integer, `known` when its value is `i`
    List,       // a list built by append(): `items[0]` is its element when one was appended
    Model,      // the model
    Transform,  // torchvision transforms: the image size they leave, ToTensor
    Rng,        // np.random.default_rng(...)
  };
  K k = K::None;
  std::vector<int64_t> dims;
  bool integer = false;
  int64_t i = 0;
  bool known = false;
  std::vector<Val> items;
  // Array / Opaque / Data: the first variable that held it (what the messages name).
  std::string origin;
  // Data: what it is ("FashionMNIST with ToTensor"); Transform: `to_tensor`, output size.
  std::string what;
  bool to_tensor = false;
  bool opaque_transform = false;
  int64_t height = kUnknown, width = kUnknown;
  bool square_only = false;  // the size of Resize(int): right for square images only
};

Val none() { return {}; }
Val array(std::vector<int64_t> dims, bool integer = false) {
  Val v;
  v.k = Val::K::Array;
  v.dims = std::move(dims);
  v.integer = integer;
  return v;
}
Val opaque(std::string origin = {}) {
  Val v;
  v.k = Val::K::Opaque;
  v.origin = std::move(origin);
  return v;
}
Val integer(std::optional<int64_t> value) {
  Val v;
  v.k = Val::K::Int;
  v.known = value.has_value();
  v.i = value.value_or(0);
  return v;
}
Val tuple(std::vector<Val> items) {
  Val v;
  v.k = Val::K::Tuple;
  v.items = std::move(items);
  return v;
}
bool scalar(const Val& v) { return v.k == Val::K::Int || (v.k == Val::K::Array && v.dims.empty()); }

// NumPy broadcasting of two shapes (kUnknown where either side does not fix the size).
std::vector<int64_t> broadcast(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  std::vector<int64_t> out(std::max(a.size(), b.size()), kUnknown);
  for (size_t k = 0; k < out.size(); ++k) {
    const int64_t x = k < a.size() ? a[a.size() - 1 - k] : 1;
    const int64_t y = k < b.size() ? b[b.size() - 1 - k] : 1;
    out[out.size() - 1 - k] = x == 1 ? y : y == 1 ? x : x == y ? x : kUnknown;
  }
  return out;
}

// The sample shape a torchvision dataset's images have after ToTensor ("1,28,28").
std::optional<std::vector<int64_t>> parse_shape(const std::string& text) {
  std::vector<int64_t> dims;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find(',', at);
    if (end == std::string::npos) end = text.size();
    try {
      dims.push_back(std::stoll(text.substr(at, end - at)));
    } catch (...) {
      return std::nullopt;
    }
    at = end + 1;
  }
  return dims;
}

class DataFlow {
 public:
  DataFlow(const Context& ctx, std::string model_name, bool module_level_sequential)
      : ctx_(ctx), model_(std::move(model_name)), sequential_(module_level_sequential) {}

  std::optional<DataInputShape> run(Node module) {
    frames_.emplace_back();
    exec_block(module);
    if (found_) return found_;
    return fallback_;
  }

 private:
  using Env = std::map<std::string, Val>;

  std::string qualified(Node expr) const {
    auto q = ctx_.imports.qualify(expr);
    return q ? *q : "";
  }

  Val lookup(const std::string& name) const {
    if (auto it = frames_.back().find(name); it != frames_.back().end()) return it->second;
    if (auto it = frames_.front().find(name); it != frames_.front().end()) return it->second;
    if (const Constant* c = ctx_.globals.lookup(name); c && c->is_int()) return integer(c->i);
    return none();
  }

  void exec_block(Node block) {
    for (Node stmt : block.named_children()) {
      if (done() || returned_) return;
      exec(stmt);
    }
  }

  bool done() const { return found_.has_value() || statements_ > kStatementBudget; }

  void exec(Node stmt) {
    ++statements_;
    if (stmt.is(Kind::ExpressionStatement)) {
      Node e = expression_of(stmt);
      if (e && e.is(Kind::Assignment)) {
        Node right = e.field(Field::Right);
        if (!right) return;
        Val v = eval(right);
        Node left = e.field(Field::Left);
        if (sequential_ && left.is(Kind::Identifier) && left.text() == model_) v.k = Val::K::Model;
        bind(left, v, true);
      } else if (e && e.is(Kind::AugmentedAssignment)) {
        eval(e.field(Field::Right));
      } else if (e) {
        eval(e);
      }
      return;
    }
    if (stmt.is(Kind::FunctionDefinition)) {
      functions_[std::string(stmt.field(Field::Name).text())] = stmt;
      return;
    }
    if (stmt.is(Kind::DecoratedDefinition)) {
      exec(stmt.field(Field::Definition));
      return;
    }
    if (stmt.is(Kind::ClassDefinition)) {
      classes_[std::string(stmt.field(Field::Name).text())] = stmt;
      return;
    }
    if (stmt.is(Kind::ReturnStatement)) {
      if (stmt.named_child_count() > 0) returned_value_ = eval(stmt.named_child(0));
      returned_ = true;
      return;
    }
    if (stmt.is(Kind::ForStatement)) {
      Val item = iteration(stmt.field(Field::Right));
      bind(stmt.field(Field::Left), item, false);
      exec_block(stmt.field(Field::Body));
      return;
    }
    // if / while / with / try: every body once, in order.
    for (Node child : stmt.named_children()) {
      if (done() || returned_) return;
      if (child.is(Kind::Block))
        exec_block(child);
      else if (child.type().find("clause") != std::string_view::npos)
        exec(child);
    }
  }

  // What `for target in <expr>` binds on the first pass.
  Val iteration(Node expr) {
    if (expr.is(Kind::Call) && expr.field(Field::Function).text() == "enumerate") {
      ScriptArgs a = call_args(expr);
      if (a.positional.empty()) return none();
      return tuple({integer(std::nullopt), element(eval(a.positional[0]))});
    }
    return element(eval(expr));
  }

  // One item of an iterable: a batch of a loader, a row of an array.
  static Val element(const Val& v) {
    if (v.k == Val::K::Data) {
      std::vector<Val> fields = v.items;
      for (auto& f : fields) {
        if (f.k == Val::K::Array && !f.dims.empty()) f.dims[0] = kUnknown;  // the batch
        if (f.origin.empty()) f.origin = v.origin;
      }
      return tuple(std::move(fields));
    }
    if (v.k == Val::K::Array && !v.dims.empty()) {
      Val row = v;
      row.dims.erase(row.dims.begin());
      return row;
    }
    if (v.k == Val::K::List && !v.items.empty()) return v.items[0];
    if (v.k == Val::K::Opaque) return v;
    return none();
  }

  void bind(Node target, Val v, bool naming) {
    if (target.is(Kind::Identifier)) {
      const std::string name(target.text());
      if (naming && v.origin.empty() &&
          (v.k == Val::K::Array || v.k == Val::K::Opaque || v.k == Val::K::Data))
        v.origin = name;
      frames_.back()[name] = std::move(v);
      return;
    }
    if (target.is(Kind::Attribute)) {  // self.X = ... in a Dataset's __init__
      frames_.back()[std::string(target.text())] = std::move(v);
      return;
    }
    if (target.is(Kind::ParenthesizedExpression) && target.named_child_count() == 1) {
      bind(target.named_child(0), std::move(v), naming);
      return;
    }
    if (target.is(Kind::PatternList) || target.is(Kind::TuplePattern) || target.is(Kind::Tuple) ||
        target.is(Kind::ExpressionList) || target.is(Kind::ListPattern) || target.is(Kind::List)) {
      auto parts = target.named_children();
      for (size_t k = 0; k < parts.size(); ++k) {
        Val part = v.k == Val::K::Tuple && v.items.size() == parts.size() ? v.items[k]
                   : v.k == Val::K::Opaque                                ? opaque()
                                                                          : none();
        bind(parts[k], std::move(part), naming);
      }
    }
  }

  Val eval(Node e) {
    if (!e || done()) return none();
    switch (e.kind()) {
      case Kind::Identifier: return lookup(std::string(e.text()));
      case Kind::Integer: {
        auto c = syntax::parse_integer(e.text());
        return integer(c && c->is_int() ? std::optional<int64_t>(c->i) : std::nullopt);
      }
      case Kind::Float: return array({});
      case Kind::ParenthesizedExpression:
        return e.named_child_count() == 1 ? eval(e.named_child(0)) : none();
      case Kind::Tuple:
      case Kind::ExpressionList: {
        std::vector<Val> items;
        for (Node c : e.named_children()) items.push_back(eval(c));
        return tuple(std::move(items));
      }
      case Kind::List: return list_literal(e);
      case Kind::Attribute: {
        const std::string text(e.text());
        if (auto v = lookup(text); v.k != Val::K::None) return v;  // self.X
        Val object = eval(e.field(Field::Object));
        if (object.k == Val::K::Opaque) return object;  // df.values
        if (object.k == Val::K::Array && e.field(Field::Attribute).text() == "data") return object;
        return none();
      }
      case Kind::UnaryOperator: {
        Val v = eval(e.field(Field::Argument));
        if (v.k == Val::K::Int && v.known && e.field(Field::Operator).text() == "-") v.i = -v.i;
        return v;
      }
      case Kind::BinaryOperator: return binary(e);
      case Kind::Subscript: return subscript(e);
      case Kind::Call: return call(e);
      case Kind::ConditionalExpression: {
        Val first = eval(e.named_child(0));
        return first.k != Val::K::None ? first : eval(e.named_child(2));
      }
      default: return none();
    }
  }

  Val list_literal(Node e) {
    auto items = e.named_children();
    if (items.empty()) {
      Val v;
      v.k = Val::K::List;
      return v;
    }
    std::vector<Val> vals;
    for (Node c : items) vals.push_back(eval(c));
    bool ints = true, same = true;
    for (const auto& v : vals) {
      ints &= v.k == Val::K::Int;
      same &= v.k == Val::K::Array && v.dims == vals[0].dims;
    }
    const auto n = static_cast<int64_t>(vals.size());
    if (ints || std::all_of(vals.begin(), vals.end(), scalar)) return array({n}, ints);
    if (same) {
      std::vector<int64_t> dims{n};
      dims.insert(dims.end(), vals[0].dims.begin(), vals[0].dims.end());
      return array(dims, vals[0].integer);
    }
    return none();
  }

  Val binary(Node e) {
    Val a = eval(e.field(Field::Left));
    Val b = eval(e.field(Field::Right));
    const std::string op(e.field(Field::Operator).text());
    if (a.k == Val::K::Int && b.k == Val::K::Int) {
      if (!a.known || !b.known) return integer(std::nullopt);
      auto r = syntax::apply_binary(op, Constant::integer(a.i), Constant::integer(b.i));
      return integer(r && r->is_int() ? std::optional<int64_t>(r->i) : std::nullopt);
    }
    if (a.k == Val::K::Opaque) return a;
    if (b.k == Val::K::Opaque) return b;
    const bool av = a.k == Val::K::Array || a.k == Val::K::Int;
    const bool bv = b.k == Val::K::Array || b.k == Val::K::Int;
    if (!av || !bv) return none();
    const std::vector<int64_t> da = a.k == Val::K::Int ? std::vector<int64_t>{} : a.dims;
    const std::vector<int64_t> db = b.k == Val::K::Int ? std::vector<int64_t>{} : b.dims;
    Val out = array({}, a.integer && b.integer && op != "/");  // new data: named where bound
    if (op == "@") {
      if (da.size() < 1 || db.empty()) return none();
      out.dims = da;
      if (db.size() == 1)
        out.dims.pop_back();
      else
        out.dims.back() = db.back();
      return out;
    }
    out.dims = broadcast(da, db);
    return out;
  }

  // One axis of `x[...]`: a slice keeps it (with the length it can tell), an index drops it.
  Val subscript(Node e) {
    Val object = eval(e.field(Field::Value));
    auto indices = e.fields(Field::Subscript);
    if (object.k == Val::K::Opaque) return object;
    if (object.k == Val::K::Tuple && indices.size() == 1) {
      Val at = eval(indices[0]);
      if (at.k == Val::K::Int && at.known) {
        int64_t k = at.i < 0 ? at.i + static_cast<int64_t>(object.items.size()) : at.i;
        if (k >= 0 && k < static_cast<int64_t>(object.items.size()))
          return object.items[static_cast<size_t>(k)];
      }
      return none();
    }
    if (object.k == Val::K::Data && indices.size() == 1 && !indices[0].is(Kind::Slice))
      return element(object);
    if (object.k == Val::K::Data) return object;
    if (object.k != Val::K::Array || indices.size() > object.dims.size()) return none();
    Val out = object;
    out.dims.clear();
    for (size_t axis = 0; axis < indices.size(); ++axis) {
      Node index = indices[axis];
      if (index.is(Kind::Slice))
        out.dims.push_back(slice_length(index, object.dims[axis]));
      else if (index.type() == "ellipsis")
        return none();
      else
        eval(index);  // an index: the axis goes
    }
    out.dims.insert(out.dims.end(),
                    object.dims.begin() + static_cast<std::ptrdiff_t>(indices.size()),
                    object.dims.end());
    return out;
  }

  // `a:a + k` -> k (windows cut from a series), `:n` / `n:` of a known size, `:` the size.
  int64_t slice_length(Node slice, int64_t size) {
    Node start, stop;
    int colons = 0;
    for (uint32_t c = 0; c < slice.child_count(); ++c) {
      Node child = slice.child(c);
      if (child.type() == ":") {
        ++colons;
        continue;
      }
      if (!child.named()) continue;
      if (colons == 0) start = child;
      if (colons == 1) stop = child;
      if (colons == 2) return kUnknown;  // a step
    }
    if (!start && !stop) return size;
    if (start && stop && stop.is(Kind::BinaryOperator) &&
        stop.field(Field::Operator).text() == "+" &&
        stop.field(Field::Left).text() == start.text()) {
      Val k = eval(stop.field(Field::Right));
      return k.k == Val::K::Int && k.known && k.i >= 0 ? k.i : kUnknown;
    }
    Val a = start ? eval(start) : integer(0);
    Val b = stop ? eval(stop) : integer(size);
    if (a.k != Val::K::Int || b.k != Val::K::Int || !a.known || !b.known || size < 0)
      return kUnknown;
    auto clamp = [&](int64_t v) {
      return std::max<int64_t>(0, std::min(size, v < 0 ? v + size : v));
    };
    return std::max<int64_t>(0, clamp(b.i) - clamp(a.i));
  }

  // A shape given as integers or one tuple of them (`randn(4, 3)`, `zeros((4, 3))`).
  std::optional<std::vector<int64_t>> shape_of(const std::vector<Val>& args) {
    std::vector<Val> items = args;
    if (args.size() == 1 && args[0].k == Val::K::Tuple) items = args[0].items;
    if (args.size() == 1 && args[0].k == Val::K::Array && args[0].dims.size() == 1)
      return std::nullopt;  // a list of sizes: not followed
    std::vector<int64_t> dims;
    for (const auto& v : items) {
      if (v.k != Val::K::Int) return std::nullopt;
      dims.push_back(v.known ? v.i : kUnknown);
    }
    return dims;
  }

  Val record_model_call(const Val& input, Node call) {
    if (input.k == Val::K::Array && !input.dims.empty()) {
      bool known = true;
      for (size_t k = 1; k < input.dims.size(); ++k) known &= input.dims[k] >= 0;
      if (known) {
        DataInputShape s;
        s.shape = input.dims;
        (*s.shape)[0] = pivot::kBatch;
        s.integer = input.integer;
        s.call = call.location();
        s.data = input.origin;
        found_ = s;
      }
    } else if (input.k == Val::K::Opaque && !fallback_) {
      DataInputShape s;
      s.call = call.location();
      s.data = input.origin;
      fallback_ = s;
    }
    Val out;
    out.k = Val::K::None;
    return out;
  }

  Val call(Node e) {
    Node fn = e.field(Field::Function);
    ScriptArgs a = call_args(e);
    std::vector<Val> args;
    for (Node p : a.positional) args.push_back(eval(p));
    std::map<std::string, Val> kw;
    for (const auto& [k, v] : a.keywords) kw[k] = eval(v);
    if (done()) return none();
    auto arg = [&](size_t position, const std::string& name) -> Val {
      if (auto it = kw.find(name); it != kw.end()) return it->second;
      return position < args.size() ? args[position] : none();
    };
    const std::string q = qualified(fn);
    if (fn.is(Kind::Identifier)) {
      const std::string name(fn.text());
      Val callee = lookup(name);
      if (callee.k == Val::K::Model) return args.empty() ? none() : record_model_call(args[0], e);
      if (name == model_) {
        Val m;
        m.k = Val::K::Model;
        return m;
      }
      if (q.empty()) {
        if (auto f = functions_.find(name); f != functions_.end())
          return invoke(f->second, args, kw, std::nullopt);
        if (auto c = classes_.find(name); c != classes_.end())
          return instantiate(c->second, args, kw);
        if (name == "len" || name == "int" || name == "round") return integer(std::nullopt);
        if (name == "list" && args.size() == 1) return args[0];
        if (name == "print" || name == "range" || name == "str" || name == "float") return none();
        return opaque();
      }
    }
    if (!q.empty()) return library_call(q, a, args, kw, arg);
    if (fn.is(Kind::Attribute)) {
      Val object = eval(fn.field(Field::Object));
      return method(object, std::string(fn.field(Field::Attribute).text()), args, kw, e);
    }
    return opaque();
  }

  Val method(Val object, const std::string& name, const std::vector<Val>& args,
             const std::map<std::string, Val>& kw, Node e) {
    if (object.k == Val::K::Model) {
      if (name == "forward" && !args.empty()) return record_model_call(args[0], e);
      return object;  // .to(device), .train(), .cuda()
    }
    if (object.k == Val::K::List && name == "append" && args.size() == 1) {
      // The list is a variable: its element is what the first append adds.
      Node target = e.field(Field::Function).field(Field::Object);
      if (target.is(Kind::Identifier)) {
        Val& list = frames_.back().count(std::string(target.text()))
                        ? frames_.back()[std::string(target.text())]
                        : frames_.front()[std::string(target.text())];
        if (list.k == Val::K::List && list.items.empty()) list.items.push_back(args[0]);
      }
      return none();
    }
    if (object.k == Val::K::Rng) {
      auto size = kw.find("size");
      if (size == kw.end()) return none();
      auto dims = shape_of({size->second});
      if (!dims) return none();
      return array(*dims, name == "integers");
    }
    static const std::set<std::string> kSame = {
        "to", "cuda", "cpu", "numpy", "detach", "clone", "copy", "contiguous", "requires_grad_"};
    static const std::set<std::string> kReshaping = {"float",   "double", "half", "long",
                                                     "int",     "astype", "type", "unsqueeze",
                                                     "reshape", "view",   "pow"};
    // The same data of unknown shape, or new data (`scaler.fit_transform(x)`).
    if (object.k == Val::K::Opaque)
      return kSame.count(name) || kReshaping.count(name) ? object : opaque();
    if (object.k == Val::K::None) return opaque();
    if (object.k != Val::K::Array) return none();
    Val out = object;
    if (kSame.count(name)) return out;
    if (name == "float" || name == "double" || name == "half") {
      out.integer = false;
      return out;
    }
    if (name == "long" || name == "int") {
      out.integer = true;
      return out;
    }
    if (name == "astype" || name == "type") {
      Node dtype = call_args(e).positional.empty() ? Node{} : call_args(e).positional[0];
      const std::string t(dtype.text());
      out.integer = t.find("int") != std::string::npos || t.find("long") != std::string::npos;
      return out;
    }
    if (name == "unsqueeze" && args.size() == 1) return unsqueeze(out, args[0]);
    if (name == "pow" && args.size() == 1) {
      const std::vector<int64_t> p =
          args[0].k == Val::K::Array ? args[0].dims : std::vector<int64_t>{};
      out.dims = broadcast(out.dims, p);
      return out;
    }
    if (name == "reshape" || name == "view") {
      auto dims = shape_of(args);
      if (!dims) return none();
      for (auto& d : *dims)
        if (d < 0) d = kUnknown;
      out.dims = *dims;
      return out;
    }
    return none();
  }

  static Val unsqueeze(Val v, const Val& axis) {
    if (axis.k != Val::K::Int || !axis.known) return none();
    const auto rank = static_cast<int64_t>(v.dims.size());
    const int64_t at = axis.i < 0 ? axis.i + rank + 1 : axis.i;
    if (at < 0 || at > rank) return none();
    v.dims.insert(v.dims.begin() + at, 1);
    return v;
  }

  Val library_call(const std::string& q, const ScriptArgs& a, const std::vector<Val>& args,
                   const std::map<std::string, Val>& kw,
                   const std::function<Val(size_t, const std::string&)>& arg) {
    auto ends = [&](const char* suffix) {
      const std::string s(suffix);
      return q.size() >= s.size() && q.compare(q.size() - s.size(), s.size(), s) == 0;
    };
    const bool numpy = q.rfind("numpy.", 0) == 0;
    const bool torch = q.rfind("torch.", 0) == 0;
    // Arrays made to a shape.
    if ((numpy || torch) && (ends(".randn") || ends(".rand") || ends(".zeros") || ends(".ones") ||
                             ends(".empty") || ends(".full") || ends(".standard_normal"))) {
      std::vector<Val> sizes = args;
      if (ends(".full") && !sizes.empty()) sizes.resize(1);
      if (kw.count("size")) sizes = {kw.at("size")};
      if (numpy && ends(".standard_normal") && !sizes.empty()) sizes.resize(1);
      auto dims = shape_of(sizes);
      return dims ? array(*dims) : none();
    }
    if (numpy && (ends("random.normal") || ends("random.uniform") || ends("random.randint"))) {
      Val size = arg(2, "size");
      auto dims = size.k == Val::K::None
                      ? std::optional<std::vector<int64_t>>(std::vector<int64_t>{})
                      : shape_of({size});
      return dims ? array(*dims, ends("randint")) : none();
    }
    if (numpy && (ends("random.default_rng") || ends("random.RandomState"))) {
      Val r;
      r.k = Val::K::Rng;
      return r;
    }
    if ((numpy || torch) && ends(".arange")) {
      std::vector<int64_t> ints;
      for (const auto& v : args) {
        if (v.k != Val::K::Int || !v.known) return array({kUnknown});
        ints.push_back(v.i);
      }
      int64_t start = 0, stop = 0, step = 1;
      if (ints.size() == 1) stop = ints[0];
      if (ints.size() >= 2) start = ints[0], stop = ints[1];
      if (ints.size() == 3) step = ints[2];
      if (ints.empty() || step == 0) return array({kUnknown});
      const int64_t n = (stop - start + step + (step > 0 ? -1 : 1)) / step;
      return array({std::max<int64_t>(0, n)}, true);
    }
    if ((numpy || torch) && ends(".linspace")) {
      Val n = arg(2, numpy ? "num" : "steps");
      if (numpy && n.k == Val::K::None) n = integer(50);
      return array({n.k == Val::K::Int && n.known ? n.i : kUnknown});
    }
    static const std::set<std::string> kElementwise = {
        "sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "square", "log1p"};
    if ((numpy || torch) && kElementwise.count(q.substr(q.rfind('.') + 1)) && args.size() == 1)
      return args[0];
    // Tensors from arrays (and arrays from lists).
    static const std::set<std::string> kMakers = {
        "torch.tensor",      "torch.as_tensor",  "torch.from_numpy", "torch.Tensor",
        "torch.FloatTensor", "torch.LongTensor", "numpy.array",      "numpy.asarray",
        "numpy.stack",       "numpy.float32"};
    if (kMakers.count(q) && !args.empty()) {
      Val v = args[0];
      if (v.k == Val::K::List) {
        if (v.items.empty() || v.items[0].k != Val::K::Array) return opaque();
        Val row = v.items[0];
        row.dims.insert(row.dims.begin(), kUnknown);
        row.origin.clear();  // new data: named where bound
        v = row;
      }
      if (v.k != Val::K::Array) return v.k == Val::K::Opaque ? v : opaque();
      if (q == "torch.FloatTensor" || q == "torch.Tensor" || q == "numpy.float32")
        v.integer = false;
      if (q == "torch.LongTensor") v.integer = true;
      if (a.keywords.count("dtype")) {
        const std::string t(a.keywords.at("dtype").text());
        v.integer = t.find("int") != std::string::npos || t.find("long") != std::string::npos;
      }
      return v;
    }
    if ((q == "numpy.expand_dims" || q == "torch.unsqueeze") && args.size() == 2 &&
        args[0].k == Val::K::Array)
      return unsqueeze(args[0], args[1]);
    // Datasets and loaders.
    if (q == "torch.utils.data.TensorDataset") {
      Val d;
      d.k = Val::K::Data;
      d.items = args;
      return d;
    }
    if (q == "torch.utils.data.DataLoader") {
      Val d = arg(0, "dataset");
      return d.k == Val::K::Data || d.k == Val::K::Opaque ? d : opaque();
    }
    if (q == "torch.utils.data.random_split" || q == "torch.utils.data.dataset.random_split") {
      Val parts = arg(1, "lengths");
      size_t n = parts.k == Val::K::Array && parts.dims.size() == 1 && parts.dims[0] > 0
                     ? static_cast<size_t>(parts.dims[0])
                     : 2;
      if (Node l = a.positional.size() > 1 ? a.positional[1] : Node{};
          l && (l.is(Kind::List) || l.is(Kind::Tuple)))
        n = l.named_children().size();
      return tuple(std::vector<Val>(n, arg(0, "dataset")));
    }
    // torchvision.
    const auto& rows = frameworks::pytorch::training_rows();
    if (const frameworks::SetupRow* row = frameworks::find_row_by_symbol(rows, q)) {
      if (row->family == pivot::SetupFamily::Transform) return transform(*row, a);
      if (row->family == pivot::SetupFamily::Dataset) return published(*row, arg(2, "transform"));
    }
    if (q == "torchvision.transforms.Compose" && args.size() == 1) {
      Val t;
      t.k = Val::K::Transform;
      Node list = a.positional[0];
      if (!list.is(Kind::List)) return opaque();
      for (Node item : list.named_children()) {
        Val step = eval(item);
        if (step.k != Val::K::Transform || step.opaque_transform) {
          t.opaque_transform = true;
          continue;
        }
        t.to_tensor |= step.to_tensor;
        if (step.height != kUnknown) {
          t.height = step.height;
          t.width = step.width;
          t.square_only = step.square_only;
        }
      }
      return t;
    }
    if (q.rfind("torchvision.transforms.", 0) == 0) {
      // Transforms without a row that keep the image size (augmentation, colour changes).
      static const std::set<std::string> kSameSize = {
          "RandomHorizontalFlip", "RandomVerticalFlip", "RandomRotation", "ColorJitter",
          "RandomAffine",         "RandomErasing",      "GaussianBlur"};
      Val t;
      t.k = Val::K::Transform;
      t.opaque_transform = !kSameSize.count(q.substr(q.rfind('.') + 1));
      if (ends(".RandomCrop") && !args.empty()) set_size(t, args[0]);
      if (ends(".RandomCrop")) t.opaque_transform = t.height == kUnknown;
      return t;
    }
    if (q == "torchvision.datasets.ImageFolder") {
      Val t = arg(1, "transform");
      if (t.k != Val::K::Transform || !t.to_tensor || t.opaque_transform || t.height == kUnknown)
        return opaque();
      Val d;
      d.k = Val::K::Data;
      d.what = "ImageFolder RGB images resized to " + std::to_string(t.height) + "x" +
               std::to_string(t.width);
      d.items = {array({kUnknown, 3, t.height, t.width}), array({kUnknown}, true)};
      return d;
    }
    return opaque();
  }

  static void set_size(Val& t, const Val& size) {
    if (size.k == Val::K::Int && size.known) t.height = t.width = size.i;
    if (size.k == Val::K::Tuple && size.items.size() == 2 && size.items[0].k == Val::K::Int &&
        size.items[1].k == Val::K::Int && size.items[0].known && size.items[1].known) {
      t.height = size.items[0].i;
      t.width = size.items[1].i;
    }
  }

  Val transform(const frameworks::SetupRow& row, const ScriptArgs& a) {
    Val t;
    t.k = Val::K::Transform;
    t.to_tensor = row.kind == "to_float";
    if ((row.kind == "resize" || row.kind == "center_crop" || row.kind == "random_crop") &&
        !a.positional.empty())
      set_size(t, eval(a.positional[0]));
    // Resize(int) sets the shorter side, keeping the aspect ratio: square images only (every
    // published dataset here is square; ImageFolder images are not known to be).
    t.square_only = row.kind == "resize" && t.height != kUnknown && !a.positional.empty() &&
                    !a.positional[0].is(Kind::Tuple) && !a.positional[0].is(Kind::List);
    return t;
  }

  Val published(const frameworks::SetupRow& row, const Val& transform) {
    auto shape = row.implied.count("sample_shape") ? parse_shape(row.implied.at("sample_shape"))
                                                   : std::nullopt;
    if (!shape || transform.k != Val::K::Transform || !transform.to_tensor ||
        transform.opaque_transform)
      return opaque();
    std::vector<int64_t> dims{kUnknown};
    dims.insert(dims.end(), shape->begin(), shape->end());
    if (transform.height != kUnknown && dims.size() == 4) {
      dims[2] = transform.height;
      dims[3] = transform.width;
    }
    Val d;
    d.k = Val::K::Data;
    d.what = row.symbol.substr(row.symbol.rfind('.') + 1) + " with ToTensor";
    d.items = {array(dims), array({kUnknown}, true)};
    return d;
  }

  // A user function called with arguments: its body followed with them bound; the value of its
  // first return.
  Val invoke(Node def, const std::vector<Val>& args, const std::map<std::string, Val>& kw,
             std::optional<Env> self_members) {
    if (depth_ >= kMaxCallDepth) return opaque();
    Env frame = self_members.value_or(Env{});
    size_t position = 0;
    bool first = true;
    for (Node p : def.field(Field::Parameters).named_children()) {
      Node name_node = p.is(Kind::Identifier) ? p : p.field(Field::Name);
      if (!name_node) name_node = p.named_child(0);
      const std::string name(name_node.text());
      if (first && self_members) {  // self
        first = false;
        continue;
      }
      first = false;
      if (p.is(Kind::ListSplatPattern) || p.is(Kind::DictionarySplatPattern)) continue;
      Val v = none();
      if (auto it = kw.find(name); it != kw.end())
        v = it->second;
      else if (position < args.size())
        v = args[position];
      else if (Node d = p.field(Field::Value))
        v = eval(d);
      ++position;
      frame[name] = std::move(v);
    }
    frames_.push_back(std::move(frame));
    ++depth_;
    const bool outer_returned = returned_;
    Val outer_value = returned_value_;
    returned_ = false;
    returned_value_ = none();
    exec_block(def.field(Field::Body));
    Val result = returned_value_;
    last_frame_ = frames_.back();
    returned_ = outer_returned;
    returned_value_ = outer_value;
    --depth_;
    frames_.pop_back();
    return result;
  }

  // A Dataset class of the file: __init__ run with the arguments, then __getitem__ on one
  // index: the fields of one sample, with a leading count axis (of unknown size).
  Val instantiate(Node cls, const std::vector<Val>& args, const std::map<std::string, Val>& kw) {
    Node init, getitem;
    for (Node stmt : cls.field(Field::Body).named_children()) {
      Node def = stmt.is(Kind::DecoratedDefinition) ? stmt.field(Field::Definition) : stmt;
      if (!def.is(Kind::FunctionDefinition)) continue;
      const auto name = def.field(Field::Name).text();
      if (name == "__init__") init = def;
      if (name == "__getitem__") getitem = def;
    }
    if (!getitem) return opaque();
    Env members;
    if (init) {
      invoke(init, args, kw, Env{});
      members = last_frame_;
    }
    Env self;
    for (const auto& [name, v] : members)
      if (name.rfind("self.", 0) == 0) self[name] = v;
    Val sample = invoke(getitem, {integer(std::nullopt)}, {}, self);
    std::vector<Val> fields = sample.k == Val::K::Tuple ? sample.items : std::vector<Val>{sample};
    Val d;
    d.k = Val::K::Data;
    d.what = std::string(cls.field(Field::Name).text()) + " samples";
    for (const auto& f : fields) {
      Val item = f;
      if (f.k == Val::K::Array) {
        std::vector<int64_t> dims{kUnknown};
        dims.insert(dims.end(), f.dims.begin(), f.dims.end());
        item.dims = std::move(dims);
      }
      d.items.push_back(std::move(item));
    }
    return d;
  }

  const Context& ctx_;
  const std::string model_;
  const bool sequential_;
  std::vector<Env> frames_;  // front: the module; back: the function being followed
  Env last_frame_;
  std::map<std::string, Node> functions_, classes_;
  size_t statements_ = 0;
  int depth_ = 0;
  bool returned_ = false;
  Val returned_value_;
  std::optional<DataInputShape> found_, fallback_;
};

}  // namespace

std::optional<DataInputShape> script_input_shape(const Context& ctx, Node module,
                                                 const std::string& model_name,
                                                 bool module_level_sequential) {
  DataFlow flow(ctx, model_name, module_level_sequential);
  return flow.run(module);
}

}  // namespace nnport::readers::pytorch
