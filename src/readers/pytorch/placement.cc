// Device-placement queries folded to their CPU values (see placement.h).
#include "readers/pytorch/placement.h"

namespace nnport::readers::pytorch {

using syntax::Constant;
using syntax::Field;
using syntax::Kind;

std::optional<Constant> placement_constant(const ImportTable& imports, syntax::Node expr) {
  if (!expr.is(Kind::Call)) return std::nullopt;
  auto q = imports.qualify(expr.field(Field::Function));
  if (!q) return std::nullopt;
  const bool no_args = expr.field(Field::Arguments).named_children().empty();
  if ((*q == "torch.cuda.is_available" || *q == "torch.backends.mps.is_available" ||
       *q == "torch.backends.cudnn.is_available") &&
      no_args)
    return Constant::boolean(false);
  if (*q == "torch.cuda.device_count" && no_args) return Constant::integer(0);
  if (*q == "torch.device") return Constant::string("cpu");
  return std::nullopt;
}

syntax::ConstEvaluator::Resolver placement_resolver(const ImportTable& imports) {
  return [&imports](syntax::Node n) { return placement_constant(imports, n); };
}

}  // namespace nnport::readers::pytorch
