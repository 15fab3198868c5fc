// forward() control structure over containers: what a for loop or comprehension iterates
// (tuples, constant lists, nn.ModuleList / nn.Sequential children, nn.ModuleDict keys, zip /
// enumerate / reversed), list comprehensions, dict literals and ModuleDict access by key.
#include "readers/pytorch/tracer_impl.h"

namespace nnport::readers::pytorch {

using syntax::Field;
using syntax::Kind;

namespace {

TValue module_value(const InstancePtr& m) {
  TValue v;
  v.kind = TValue::Kind::Module;
  v.module = m;
  return v;
}

bool is_container(const TValue& v) {
  return v.kind == TValue::Kind::Module && (v.module->kind == Instance::Kind::ModuleList ||
                                            v.module->kind == Instance::Kind::Sequential);
}

}  // namespace

std::optional<std::vector<TValue>> Tracer::iterate(const TValue& seq) {
  std::vector<TValue> items;
  if (seq.kind == TValue::Kind::Tuple) {
    if (!seq.names.empty() && seq.names.size() == seq.items.size()) {
      for (const auto& key : seq.names) items.push_back(TValue::of_const(Constant::string(key)));
      return items;  // a dict iterates over its keys
    }
    return seq.items;
  }
  if (seq.kind == TValue::Kind::Const && seq.constant.is_sequence()) {
    for (const auto& c : seq.constant.items) items.push_back(TValue::of_const(c));
    return items;
  }
  if (is_container(seq)) {
    for (const auto& [name, child] : seq.module->children)
      items.push_back(seq.module->is_dict ? TValue::of_const(Constant::string(name))
                                          : module_value(child));
    return items;
  }
  return std::nullopt;
}

std::optional<TValue> Tracer::iteration_builtin(const std::string& name, const CallArgs& args,
                                                Node call) {
  if (name != "zip" && name != "enumerate" && name != "reversed") return std::nullopt;
  if (locals_->count(name)) return std::nullopt;
  std::vector<std::vector<TValue>> lists;
  for (const auto& a : args.positional) {
    auto items = iterate(a);
    if (!items) {
      if (a.kind != TValue::Kind::Invalid)
        diags_.error(Code::UnsupportedSyntax, call.location())
            << name << "() of a value that cannot be iterated statically";
      return TValue::invalid();
    }
    lists.push_back(std::move(*items));
  }
  if (lists.empty() || (name != "zip" && lists.size() != 1)) return std::nullopt;
  std::vector<TValue> out;
  if (name == "reversed") {
    out.assign(lists[0].rbegin(), lists[0].rend());
    return TValue::of_tuple(std::move(out));
  }
  int64_t start = 0;
  if (name == "enumerate")
    if (const TValue* s = args.keyword("start"))
      if (s->kind == TValue::Kind::Const && s->constant.is_int()) start = s->constant.i;
  size_t n = lists[0].size();
  for (const auto& l : lists) n = std::min(n, l.size());
  for (size_t i = 0; i < n; ++i) {
    std::vector<TValue> row;
    if (name == "enumerate")
      row.push_back(TValue::of_const(Constant::integer(start + static_cast<int64_t>(i))));
    for (const auto& l : lists) row.push_back(l[i]);
    out.push_back(TValue::of_tuple(std::move(row)));
  }
  return TValue::of_tuple(std::move(out));
}

TValue Tracer::eval_comprehension(Node expr) {
  Node body = expr.field(Field::Body);
  std::vector<Node> clauses;
  for (Node c : expr.named_children())
    if (c.type() == "for_in_clause" || c.type() == "if_clause") clauses.push_back(c);
  const auto saved = *locals_;  // comprehension variables do not leak (Python 3)
  std::vector<TValue> items;
  bool ok = true;
  auto run = [&](auto&& self, size_t level) -> void {
    if (!ok) return;
    if (level == clauses.size()) {
      items.push_back(eval(body));
      return;
    }
    Node clause = clauses[level];
    if (clause.type() == "if_clause") {
      TValue c = eval(clause.named_child(0));
      if (c.kind != TValue::Kind::Const) {
        diags_.error(Code::UnsupportedSyntax, clause.location())
            << "comprehension condition cannot be decided statically";
        ok = false;
        return;
      }
      if (c.constant.truthy()) self(self, level + 1);
      return;
    }
    auto elements = iterate(eval(clause.field(Field::Right)));
    if (!elements) {
      diags_.error(Code::UnsupportedSyntax, clause.location())
          << "comprehension over a value that cannot be iterated statically";
      ok = false;
      return;
    }
    for (const auto& e : *elements) {
      assign(clause.field(Field::Left), e);
      self(self, level + 1);
    }
  };
  run(run, 0);
  *locals_ = saved;
  if (!ok) return TValue::invalid();
  bool all_const = !items.empty();
  for (const auto& i : items) all_const = all_const && i.kind == TValue::Kind::Const;
  if (all_const) {
    std::vector<Constant> cs;
    for (auto& i : items) cs.push_back(i.constant);
    return TValue::of_const(Constant::list(cs));
  }
  return TValue::of_tuple(std::move(items));
}

TValue Tracer::eval_dict(Node expr) {
  TValue out = TValue::of_tuple({});
  for (Node pair : expr.named_children()) {
    TValue key = pair.is(Kind::Pair) ? eval(pair.field(Field::Key)) : TValue::invalid();
    if (key.kind != TValue::Kind::Const || !key.constant.is_string()) {
      diags_.error(Code::UnsupportedSyntax, pair.location())
          << "dict entries need constant string keys to be traced";
      return TValue::invalid();
    }
    out.names.push_back(key.constant.s);
    out.items.push_back(eval(pair.field(Field::Value)));
  }
  return out;
}

std::optional<TValue> Tracer::container_method(const TValue& obj, const std::string& name) {
  if (!is_container(obj)) return std::nullopt;
  const auto& children = obj.module->children;
  std::vector<TValue> out;
  if (name == "keys" || name == "values" || name == "items" || name == "children") {
    for (const auto& [key, child] : children) {
      if (name == "keys")
        out.push_back(TValue::of_const(Constant::string(key)));
      else if (name == "items")
        out.push_back(
            TValue::of_tuple({TValue::of_const(Constant::string(key)), module_value(child)}));
      else
        out.push_back(module_value(child));
    }
    return TValue::of_tuple(std::move(out));
  }
  return std::nullopt;
}

std::optional<TValue> Tracer::index_by_key(const TValue& obj, Node index_node) {
  const bool dict_module = obj.kind == TValue::Kind::Module && obj.module->is_dict;
  const bool dict_value = obj.kind == TValue::Kind::Tuple && !obj.names.empty();
  if (!dict_module && !dict_value) return std::nullopt;
  TValue key = eval(index_node);
  // A named tuple (torch.max(...)[0]) is also indexed by position: leave ints to the caller.
  if (key.kind == TValue::Kind::Const && key.constant.is_int() && !dict_module) return std::nullopt;
  if (key.kind != TValue::Kind::Const || !key.constant.is_string()) {
    if (key.kind != TValue::Kind::Invalid)
      diags_.error(Code::NotConstant, index_node.location()) << "key is not a constant string";
    return TValue::invalid();
  }
  if (dict_module) {
    for (const auto& [name, child] : obj.module->children)
      if (name == key.constant.s) return module_value(child);
  } else {
    for (size_t i = 0; i < obj.names.size() && i < obj.items.size(); ++i)
      if (obj.names[i] == key.constant.s) return obj.items[i];
  }
  diags_.error(Code::UnknownName, index_node.location())
      << "key '" << key.constant.s << "' is not in this dict";
  return TValue::invalid();
}

}  // namespace nnport::readers::pytorch
