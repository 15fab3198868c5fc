// Loaders built by helper functions: `def make_loader(x, y, batch_size, shuffle=False): return
// DataLoader(TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=batch_size,
// shuffle=shuffle)`. The helper's DataLoader is read at each call with the call's arguments in
// place of the parameters, so that `train_loader = make_loader(x_train, y_train, 16, True)` is
// the same dataset as the DataLoader written out; the helper itself is not written.
#include <cctype>

#include "readers/pytorch/script_recognizer.h"
#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::pytorch {

using pivot::ScriptStep;
using syntax::Field;
using syntax::Kind;
using syntax::Node;

namespace {

// `text` with every identifier in `values` (not an attribute name, not inside a string)
// replaced by its value.
std::string substitute_names(const std::string& text,
                             const std::map<std::string, std::string>& values) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"' || c == '\'') {  // a string literal: copied as written
      const size_t end = text.find(c, i + 1);
      const size_t stop = end == std::string::npos ? text.size() : end + 1;
      out += text.substr(i, stop - i);
      i = stop;
      continue;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_'))
        ++j;
      const std::string name = text.substr(i, j - i);
      auto it = values.find(name);
      const bool attribute = i > 0 && text[i - 1] == '.';
      out += it != values.end() && !attribute ? it->second : name;
      i = j;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

// The body's statements without the docstring and comments.
std::vector<Node> code_statements(Node body) {
  std::vector<Node> out;
  for (Node s : body.named_children()) {
    if (s.is(Kind::Comment)) continue;
    Node e = expression_of(s);
    if (out.empty() && e && e.is(Kind::String)) continue;
    out.push_back(s);
  }
  return out;
}

}  // namespace

void TorchScriptRecognizer::find_loader_helpers(Node module, const ScriptContext& ctx) {
  for (Node stmt : module.named_children()) {
    if (!stmt.is(Kind::FunctionDefinition)) continue;
    auto body = code_statements(stmt.field(Field::Body));
    if (body.size() != 1 || !body[0].is(Kind::ReturnStatement)) continue;
    Node call = body[0].named_child(0);
    if (!call || !call.is(Kind::Call) ||
        qualified(call.field(Field::Function), ctx) != "torch.utils.data.DataLoader")
      continue;
    LoaderHelper h;
    h.loader = call;
    bool plain = true;
    for (Node p : stmt.field(Field::Parameters).named_children()) {
      if (p.is(Kind::Identifier)) {
        h.params.emplace_back(std::string(p.text()), Node{});
      } else if (p.is(Kind::DefaultParameter)) {
        h.params.emplace_back(std::string(p.field(Field::Name).text()), p.field(Field::Value));
      } else {
        plain = false;  // *args, **kwargs, typed parameters: not bound here
      }
    }
    if (plain) loader_helpers_[std::string(stmt.field(Field::Name).text())] = std::move(h);
  }
}

bool TorchScriptRecognizer::claim_loader_helper(Node stmt, ScriptContext& ctx,
                                                std::vector<ScriptStep>& out) {
  if (stmt.is(Kind::FunctionDefinition)) {
    const std::string name(stmt.field(Field::Name).text());
    if (!loader_helpers_.count(name)) return false;
    ctx.diags->note(Code::ScriptDropped, stmt.location())
        << "'" << name << "' builds a DataLoader: its calls are read as the loader it returns "
        << "and the function is not written";
    return true;
  }
  Node e = expression_of(stmt);
  if (!e || !e.is(Kind::Assignment) || !e.field(Field::Left).is(Kind::Identifier)) return false;
  Node right = e.field(Field::Right);
  if (!right.is(Kind::Call) || !right.field(Field::Function).is(Kind::Identifier)) return false;
  auto it = loader_helpers_.find(std::string(right.field(Field::Function).text()));
  if (it == loader_helpers_.end()) return false;
  const LoaderHelper& h = it->second;
  // Each parameter's argument: positional, keyword, else the default.
  ScriptArgs a = call_args(right);
  std::string why;
  if (a.splat) why = "a call of a loader helper with *args/**kwargs";
  if (a.positional.size() > h.params.size()) why = "more arguments than the helper's parameters";
  std::map<std::string, Node> bound;
  for (size_t i = 0; i < h.params.size() && why.empty(); ++i) {
    const auto& [param, fallback] = h.params[i];
    Node arg = i < a.positional.size()   ? a.positional[i]
               : a.keywords.count(param) ? a.keywords[param]
                                         : fallback;
    if (!arg) why = "no argument for the helper's parameter '" + param + "'";
    bound[param] = arg;
  }
  for (const auto& [k, v] : a.keywords)
    if (!bound.count(k)) why = "the helper has no parameter '" + k + "'";
  // The arguments' target texts: NumPy arrays stay arrays, a dataset nnport read is itself.
  std::map<std::string, std::string> texts;
  std::map<std::string, std::string> dataset_aliases;
  for (const auto& [param, arg] : bound) {
    if (!why.empty()) break;
    std::string text(arg.text());
    if (arg.is(Kind::Identifier) && datasets_.count(text)) {
      dataset_aliases[param] = text;
    } else if (arg.is(Kind::Call) && touches_framework(arg, ctx)) {
      auto converted = numpy_conversion(arg, ctx);
      if (!converted) why = "the argument " + text + " of a loader helper is a framework value";
      text = converted.value_or(text);
    } else if (touches_framework(arg, ctx)) {
      why = "the argument " + text + " of a loader helper is a framework value";
    }
    const bool simple = arg.is(Kind::Identifier) || arg.is(Kind::Attribute) ||
                        arg.is(Kind::Subscript) || arg.is(Kind::Call) || arg.is(Kind::Integer) ||
                        arg.is(Kind::Float) || arg.is(Kind::True) || arg.is(Kind::False);
    texts[param] = simple ? text : "(" + text + ")";
  }
  if (!why.empty()) {
    out.push_back(unsupported_step(stmt, ctx, why));
    ctx.vars[std::string(e.field(Field::Left).text())] = ScriptVar::Dataset;
    return true;
  }
  // The helper's DataLoader read at this statement, then its parameters replaced.
  for (const auto& [param, dataset] : dataset_aliases) datasets_[param] = datasets_.at(dataset);
  const size_t before = ctx.script->setup.datasets.size();
  const bool claimed =
      claim_data(stmt, e.field(Field::Left), h.loader, "torch.utils.data.DataLoader", ctx, out);
  for (const auto& [param, dataset] : dataset_aliases) {
    datasets_.erase(param);
    texts.erase(param);
  }
  if (!claimed || ctx.script->setup.datasets.size() != before + 1) return claimed;
  pivot::Dataset& d = ctx.script->setup.datasets.back();
  for (const auto& [param, dataset] : dataset_aliases)
    if (d.parent == param) d.parent = dataset;
  auto substitute = [&](pivot::SetupValue& v) {
    if (v.kind != pivot::SetupValue::Kind::Expr) return;
    if (auto whole = bound.find(v.text); whole != bound.end() && texts.count(v.text)) {
      // The parameter itself: the argument's value, typed when it is a literal.
      const std::string text = texts.at(v.text);
      v = setup_value(whole->second);
      if (v.kind == pivot::SetupValue::Kind::Expr) v.text = text;
      return;
    }
    v.text = substitute_names(v.text, texts);
  };
  for (pivot::SetupValue* v : {&d.features, &d.labels, &d.batch_size, &d.shuffle, &d.drop_last})
    substitute(*v);
  ctx.diags->note(Code::ScriptDropped, stmt.location())
      << "'" << it->first << "(...)' is read as the DataLoader it returns";
  return true;
}

}  // namespace nnport::readers::pytorch
