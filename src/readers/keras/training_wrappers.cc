#include "readers/keras/training_wrappers.h"

#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::keras {

std::optional<std::string> training_wrapper_reason(const ClassDef& cls) {
  if (!cls.is_model) return std::nullopt;
  std::string overrides;
  int depth = 0;
  for (const ClassDef* c = &cls; c && depth < 32; c = c->user_base, ++depth) {
    if (c->methods.count("call")) return std::nullopt;
    for (const char* method : {"train_step", "test_step", "compute_loss", "compile"})
      if (c->methods.count(method) && overrides.find(method) == std::string::npos)
        overrides += (overrides.empty() ? "" : ", ") + std::string(method);
  }
  if (overrides.empty()) return std::nullopt;
  return "defines " + overrides + " but no call(): it trains other models and cannot run inference";
}

namespace {

using syntax::Field;
using syntax::Kind;
using syntax::Node;

bool ends_with(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

// `model.<method>(...)` somewhere in `module`.
bool calls_method(Node module, const std::string& object, const std::string& method) {
  return !pytorch::find_all(module, [&](Node n) {
            if (!n.is(Kind::Call)) return false;
            Node fn = n.field(Field::Function);
            return fn.is(Kind::Attribute) && fn.field(Field::Object).text() == object &&
                   fn.field(Field::Attribute).text() == method;
          }).empty();
}

}  // namespace

bool defines_call(const ClassDef& cls) {
  int depth = 0;
  for (const ClassDef* c = &cls; c && depth < 32; c = c->user_base, ++depth)
    if (c->methods.count("call")) return true;
  return false;
}

std::vector<Node> functional_constructions(const std::string& name, Node module) {
  return pytorch::find_all(module, [&](Node n) {
    if (!n.is(Kind::Call) || n.field(Field::Function).text() != name) return false;
    Node args = n.field(Field::Arguments);
    if (!args) return false;
    size_t positional = 0;
    bool inputs = false, outputs = false;
    for (Node a : args.named_children()) {
      if (!a.is(Kind::KeywordArgument)) {
        ++positional;
        continue;
      }
      const std::string_view key = a.field(Field::Name).text();
      inputs = inputs || key == "inputs";
      outputs = outputs || key == "outputs";
    }
    return positional == 2 || (positional == 1 && outputs) || (inputs && outputs);
  });
}

std::optional<std::string> softmax_wrapped_model(Node stmt, Node module) {
  if (!stmt.is(Kind::ExpressionStatement) || !stmt.named_child(0).is(Kind::Assignment))
    return std::nullopt;
  Node assign = stmt.named_child(0);
  Node left = assign.field(Field::Left);
  Node right = assign.field(Field::Right);
  if (!left.is(Kind::Identifier) || !right || !right.is(Kind::Call) ||
      !ends_with(right.field(Field::Function).text(), "Sequential"))
    return std::nullopt;
  Node args = right.field(Field::Arguments);
  if (!args || args.named_child_count() != 1 || !args.named_child(0).is(Kind::List))
    return std::nullopt;
  Node list = args.named_child(0);
  if (list.named_child_count() != 2 || !list.named_child(0).is(Kind::Identifier))
    return std::nullopt;
  Node softmax = list.named_child(1);
  if (!softmax.is(Kind::Call) || !ends_with(softmax.field(Field::Function).text(), "Softmax") ||
      softmax.field(Field::Arguments).named_child_count() != 0)
    return std::nullopt;
  const std::string inner(list.named_child(0).text());
  const std::string wrapper(left.text());
  if (!calls_method(module, inner, "fit") || calls_method(module, wrapper, "fit") ||
      calls_method(module, wrapper, "compile"))
    return std::nullopt;
  return inner;
}

}  // namespace nnport::readers::keras
