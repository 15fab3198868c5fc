// Binding an optimiser/loss/schedule/transform construction against its PyTorch table row.
#include "readers/pytorch/script_setup_calls.h"

#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::pytorch {

using syntax::Kind;
using syntax::Node;

namespace {

// Element `index` of a tuple/list argument (`betas=(0.9, 0.98)`), else `arg[index]` as an
// expression of the script.
pivot::SetupValue element(Node arg, size_t index) {
  if (arg.is(Kind::Tuple) || arg.is(Kind::List)) {
    auto items = arg.named_children();
    if (index < items.size()) return setup_value(items[index]);
  }
  pivot::SetupValue v =
      pivot::SetupValue::expr(std::string(arg.text()) + "[" + std::to_string(index) + "]");
  v.from_source = true;
  v.location = arg.location();
  return v;
}

}  // namespace

std::optional<pivot::SetupArgs> bind_setup_call(const frameworks::SetupRow& row, Node call,
                                                size_t skip, std::string& why) {
  ScriptArgs args = call_args(call);
  if (args.splat) {
    why = "arguments passed with * or ** cannot be bound statically";
    return std::nullopt;
  }
  for (const auto& [name, value] : args.keywords) {
    bool known = false;
    for (const auto& a : row.args) {
      const std::string base = a.spelled.substr(0, a.spelled.find('.'));
      known |= base == name;
    }
    if (!known) {
      why = "argument '" + name + "' of " + row.symbol + " has no mapping";
      return std::nullopt;
    }
  }
  int max_position = -1;
  for (const auto& a : row.args) max_position = std::max(max_position, a.position);
  if (static_cast<int64_t>(args.positional.size()) - static_cast<int64_t>(skip) >
      max_position + 1) {
    why = "too many positional arguments for " + row.symbol;
    return std::nullopt;
  }
  pivot::SetupArgs out;
  for (const auto& a : row.args) {
    const size_t dot = a.spelled.find('.');
    const std::string base = a.spelled.substr(0, dot);
    Node arg;
    if (auto it = args.keywords.find(base); it != args.keywords.end())
      arg = it->second;
    else if (a.position >= 0 && skip + static_cast<size_t>(a.position) < args.positional.size())
      arg = args.positional[skip + static_cast<size_t>(a.position)];
    if (arg) {
      out[a.canonical] = dot == std::string::npos
                             ? setup_value(arg)
                             : element(arg, std::stoul(a.spelled.substr(dot + 1)));
      continue;
    }
    if (!a.default_value.set()) {
      why = "required argument '" + a.spelled + "' of " + row.symbol + " is missing";
      return std::nullopt;
    }
    pivot::SetupValue d = a.default_value;
    d.from_source = false;
    d.location = call.location();
    out[a.canonical] = d;
  }
  return out;
}

}  // namespace nnport::readers::pytorch
