// Custom torch.utils.data.Dataset classes of a training script. The common in-memory form,
//
//     class TabularDataset(Dataset):
//         def __init__(self, X, y):
//             self.X = torch.tensor(X, dtype=torch.float32)
//             self.y = torch.tensor(y, dtype=torch.float32).unsqueeze(1)
//         def __len__(self):
//             return len(self.X)
//         def __getitem__(self, idx):
//             return self.X[idx], self.y[idx]
//
// only indexes the tensors its constructor made: each instance is read as the (features, labels)
// arrays it wraps, written in NumPy (fit(x, y) in Keras), and the class is not written. A class
// whose __getitem__ does work per item (loading a file, augmenting) is reported at its line.
#include "readers/pytorch/script_recognizer.h"
#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::pytorch {

using pivot::ScriptStep;
using syntax::Field;
using syntax::Kind;
using syntax::Node;

namespace {

std::vector<std::string> parameter_names(Node def) {
  std::vector<std::string> out;
  for (Node p : def.field(Field::Parameters).named_children()) {
    Node name = p.is(Kind::Identifier) ? p : p.field(Field::Name);
    if (!name || !name.is(Kind::Identifier)) return {};  // *args, **kwargs, defaults of tuples
    out.push_back(std::string(name.text()));
  }
  return out;
}

// `self.NAME` -> NAME, else "".
std::string self_member(Node expr, const std::string& self) {
  if (!expr.is(Kind::Attribute) || expr.field(Field::Object).text() != self) return "";
  return std::string(expr.field(Field::Attribute).text());
}

// The single statement of a method's body that matters: `return <expr>`.
Node returned(Node def) {
  Node body = def.field(Field::Body);
  auto stmts = body.named_children();
  if (stmts.size() != 1 || !stmts[0].is(Kind::ReturnStatement) || stmts[0].named_child_count() != 1)
    return {};
  return stmts[0].named_child(0);
}

}  // namespace

void TorchScriptRecognizer::find_dataset_classes(Node module, const ScriptContext& ctx) {
  for (Node stmt : module.named_children()) {
    if (!stmt.is(Kind::ClassDefinition)) continue;
    bool dataset = false;
    for (Node base : stmt.field(Field::Superclasses).named_children()) {
      const std::string q = qualified(base, ctx);
      dataset |= q == "torch.utils.data.Dataset" || q == "torch.utils.data.dataset.Dataset";
    }
    if (!dataset) continue;
    DatasetClass c;
    c.node = stmt;
    const std::string name(stmt.field(Field::Name).text());
    std::map<std::string, Node> methods;
    for (Node m : stmt.field(Field::Body).named_children())
      if (m.is(Kind::FunctionDefinition))
        methods[std::string(m.field(Field::Name).text())] = m;
      else if (!m.is(Kind::ExpressionStatement) || !m.named_child(0).is(Kind::String))
        c.why = "class-level statements other than methods";
    for (const auto& [method, def] : methods)
      if (method != "__init__" && method != "__len__" && method != "__getitem__")
        c.why = "the method '" + method + "' (only __init__, __len__ and __getitem__ map)";
    if (!methods.count("__init__") || !methods.count("__getitem__"))
      c.why = "no __init__ or no __getitem__";
    if (c.why.empty()) {
      auto params = parameter_names(methods["__init__"]);
      if (params.empty()) c.why = "__init__ takes other than plain parameters";
      const std::string self = params.empty() ? "self" : params[0];
      if (!params.empty()) c.params.assign(params.begin() + 1, params.end());
      // __init__: only `self.NAME = <expression of the parameters>` (and super().__init__()).
      for (Node s : methods["__init__"].field(Field::Body).named_children()) {
        Node e = expression_of(s);
        if (e && e.is(Kind::Call) && std::string(e.text()).rfind("super()", 0) == 0) continue;
        if (e && e.is(Kind::String)) continue;  // a docstring
        const std::string member =
            e && e.is(Kind::Assignment) ? self_member(e.field(Field::Left), self) : "";
        if (member.empty()) {
          c.why = "__init__ does more than store tensors (line " + std::to_string(s.line()) + ")";
          break;
        }
        c.members[member] = e.field(Field::Right);
      }
      // __getitem__: `return self.X[i], self.y[i]` with i its index parameter.
      auto gparams = parameter_names(methods["__getitem__"]);
      Node ret = returned(methods["__getitem__"]);
      std::vector<Node> fields;
      if (ret && (ret.is(Kind::Tuple) || ret.is(Kind::ExpressionList)))
        fields = ret.named_children();
      std::vector<std::string> picked;
      for (Node f : fields) {
        if (gparams.size() != 2 || !f.is(Kind::Subscript) ||
            f.fields(Field::Subscript).size() != 1 ||
            f.field(Field::Subscript).text() != gparams[1])
          break;
        const std::string member = self_member(f.field(Field::Value), gparams[0]);
        if (!c.members.count(member)) break;
        picked.push_back(member);
      }
      if (c.why.empty() && (picked.size() != 2 || fields.size() != 2))
        c.why =
            "__getitem__ does work per item (only `return self.X[idx], self.y[idx]` over "
            "tensors made in __init__ maps to arrays; a keras.utils.PyDataset would be needed)";
      else if (c.why.empty()) {
        c.features = picked[0];
        c.labels = picked[1];
      }
      // __len__, when present: the number of samples of one of them.
      if (c.why.empty() && methods.count("__len__")) {
        Node n = returned(methods["__len__"]);
        const bool counts = n && n.is(Kind::Call) && n.field(Field::Function).text() == "len";
        if (!counts) c.why = "__len__ returns other than len(self.<tensor>)";
      }
    }
    // Its uses: constructions (read as arrays) and nothing else, or the class is kept.
    for (Node id :
         find_all(module, [&](Node n) { return n.is(Kind::Identifier) && n.text() == name; })) {
      if (id.parent() == stmt) continue;  // the definition's own name
      ++c.uses;
      if (id.parent().is(Kind::Call) && id.parent().field(Field::Function) == id) ++c.constructions;
    }
    dataset_classes_[name] = std::move(c);
  }
}

bool TorchScriptRecognizer::claim_dataset_class(Node stmt, ScriptContext& ctx,
                                                std::vector<ScriptStep>& out) {
  if (!stmt.is(Kind::ClassDefinition)) return false;
  auto it = dataset_classes_.find(std::string(stmt.field(Field::Name).text()));
  if (it == dataset_classes_.end()) return false;
  if (!it->second.why.empty()) {
    out.push_back(
        unsupported_step(stmt, ctx, "the Dataset class '" + it->first + "': " + it->second.why));
    return true;
  }
  // Every use of the class must be a construction read as arrays (else it is kept).
  if (it->second.uses != it->second.constructions) {
    out.push_back(unsupported_step(
        stmt, ctx,
        "the Dataset class '" + it->first +
            "' is used other than to make a DataLoader's data; only those uses map to arrays"));
    return true;
  }
  out.push_back(dropped_step(stmt, ctx,
                             "the Dataset class '" + it->first +
                                 "' only indexes tensors made from arrays: its instances are "
                                 "written as those arrays"));
  return true;
}

std::optional<pivot::Dataset> TorchScriptRecognizer::dataset_class_instance(
    Node call, const ScriptContext& ctx) const {
  if (!call.is(Kind::Call) || !call.field(Field::Function).is(Kind::Identifier))
    return std::nullopt;
  auto it = dataset_classes_.find(std::string(call.field(Field::Function).text()));
  if (it == dataset_classes_.end() || !it->second.why.empty()) return std::nullopt;
  const DatasetClass& c = it->second;
  ScriptArgs a = call_args(call);
  if (a.splat || a.positional.size() > c.params.size()) return std::nullopt;
  std::map<std::string, std::string> bound;
  for (size_t i = 0; i < a.positional.size(); ++i)
    bound[c.params[i]] = "(" + std::string(a.positional[i].text()) + ")";
  for (const auto& [k, v] : a.keywords) bound[k] = "(" + std::string(v.text()) + ")";
  if (bound.size() != c.params.size()) return std::nullopt;  // defaults: not followed
  // A bare argument needs no parentheses.
  for (size_t i = 0; i < a.positional.size(); ++i)
    if (a.positional[i].is(Kind::Identifier)) bound[c.params[i]] = a.positional[i].text();
  for (const auto& [k, v] : a.keywords)
    if (v.is(Kind::Identifier)) bound[k] = v.text();
  auto array = [&](Node member) -> std::optional<pivot::SetupValue> {
    if (auto text = numpy_conversion(member, ctx, &bound)) return pivot::SetupValue::expr(*text);
    // Framework-free expressions of the parameters (`X.astype("float32")`) stay as written.
    if (touches_framework(member, ctx)) return std::nullopt;
    return pivot::SetupValue::expr(rename_identifiers(member, bound));
  };
  auto x = array(c.members.at(c.features));
  auto y = array(c.members.at(c.labels));
  if (!x || !y) return std::nullopt;
  pivot::Dataset d;
  d.kind = "arrays";
  d.features = *x;
  d.labels = *y;
  return d;
}

}  // namespace nnport::readers::pytorch
