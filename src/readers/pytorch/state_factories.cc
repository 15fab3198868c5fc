// Initial states made from a parameter, the classic `init_hidden` idiom:
//   weight = next(self.parameters()).data
//   hidden = (weight.new(n_layers, batch_size, hidden_dim).zero_(), ...)
// `weight` only gives dtype and device; `.new(sizes)` is uninitialized memory (Empty) that
// `.zero_()` makes zeros (Zeros, which recurrent_call.cc treats as no initial state).
// `.new_zeros(sizes)` is zeros at once. Anything else on these values stays a diagnostic.
#include "readers/pytorch/tracer_impl.h"

namespace nnport::readers::pytorch {

using syntax::Field;
using syntax::Kind;

namespace {

// `self.parameters()` (no arguments) for the given self name.
bool is_self_parameters(Node n, const std::string& self_name) {
  if (!n.is(Kind::Call)) return false;
  Node fn = n.field(Field::Function);
  Node args = n.field(Field::Arguments);
  return fn.is(Kind::Attribute) && fn.field(Field::Attribute).text() == "parameters" &&
         fn.field(Field::Object).is(Kind::Identifier) &&
         fn.field(Field::Object).text() == self_name && args.is(Kind::ArgumentList) &&
         args.named_children().empty();
}

}  // namespace

std::optional<TValue> Tracer::parameter_handle(Node call) {
  Node fn = call.field(Field::Function);
  Node args = call.field(Field::Arguments);
  if (!fn.is(Kind::Identifier) || fn.text() != "next" || !args.is(Kind::ArgumentList) ||
      locals_->count("next") || !self_)
    return std::nullopt;
  auto items = args.named_children();
  if (items.size() != 1) return std::nullopt;
  Node inner = items[0];
  // next(iter(self.parameters())) is the same parameter.
  if (inner.is(Kind::Call) && inner.field(Field::Function).is(Kind::Identifier) &&
      inner.field(Field::Function).text() == "iter" && !locals_->count("iter") &&
      inner.field(Field::Arguments).is(Kind::ArgumentList) &&
      inner.field(Field::Arguments).named_children().size() == 1)
    inner = inner.field(Field::Arguments).named_children()[0];
  if (!is_self_parameters(inner, self_name_)) return std::nullopt;
  TValue p;
  p.kind = TValue::Kind::Param;
  return p;
}

std::optional<TValue> Tracer::factory_method(const std::string& name, const TValue& obj,
                                             const CallArgs& args, Node call) {
  if (obj.kind == TValue::Kind::Param) {
    if (name == "new" || name == "new_empty" || name == "new_zeros") {
      // Same sizes as torch.zeros(...): ints, x.size(k), or one tuple of them.
      auto zeros = recurrent_torch_function("torch.zeros", args, call);
      if (!zeros || zeros->kind != TValue::Kind::Zeros) return TValue::invalid();
      if (name != "new_zeros") zeros->kind = TValue::Kind::Empty;
      return zeros;
    }
    if (name == "detach" || name == "float") return obj;
    diags_.error(Code::UnsupportedOperation, call.location())
        << "'." << name
        << "()' of next(self.parameters()) is not supported (only .new(...).zero_() "
        << "and .new_zeros(...) initial states)";
    return TValue::invalid();
  }
  if (obj.kind == TValue::Kind::Empty) {
    if (name == "zero_") {
      TValue zeros = obj;
      zeros.kind = TValue::Kind::Zeros;
      return zeros;
    }
    if (name == "to" || name == "cuda" || name == "cpu" || name == "float" || name == "detach" ||
        name == "requires_grad_" || name == "contiguous")
      return obj;
    diags_.error(Code::UnsupportedOperation, call.location())
        << "'." << name << "()' of an uninitialized weight.new(...) tensor is not supported (only "
        << ".zero_() initial states)";
    return TValue::invalid();
  }
  return std::nullopt;
}

}  // namespace nnport::readers::pytorch
