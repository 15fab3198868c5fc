// Constant folding of Python math functions in forward() (see python_math.h).
#include "readers/pytorch/python_math.h"

#include <cmath>

namespace nnport::readers::pytorch {

std::optional<TValue> python_math(const std::string& qualified, const CallArgs& args) {
  if (qualified.rfind("math.", 0) != 0 || !args.keywords.empty()) return std::nullopt;
  std::vector<double> x;
  for (const auto& a : args.positional) {
    if (a.kind != TValue::Kind::Const) return std::nullopt;
    auto d = a.constant.as_double();
    if (!d) return std::nullopt;
    x.push_back(*d);
  }
  const std::string name = qualified.substr(5);
  auto real = [](double v) -> std::optional<TValue> {
    if (!std::isfinite(v)) return std::nullopt;
    return TValue::of_const(Constant::floating(v));
  };
  if (x.size() == 1) {
    if (name == "sqrt" && x[0] >= 0) return real(std::sqrt(x[0]));
    if (name == "log" && x[0] > 0) return real(std::log(x[0]));
    if (name == "exp") return real(std::exp(x[0]));
    if (name == "fabs") return real(std::fabs(x[0]));
    if ((name == "floor" || name == "ceil") && std::fabs(x[0]) < 9e18)
      return TValue::of_const(Constant::integer(
          static_cast<int64_t>(name == "floor" ? std::floor(x[0]) : std::ceil(x[0]))));
  }
  if (x.size() == 2 && name == "pow") return real(std::pow(x[0], x[1]));
  if (x.size() == 2 && name == "log" && x[0] > 0 && x[1] > 0 && x[1] != 1)
    return real(std::log(x[0]) / std::log(x[1]));
  return std::nullopt;
}

}  // namespace nnport::readers::pytorch
