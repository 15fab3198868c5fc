// The initializer catalog (see initializer.h).
#include "pivot/initializer.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace nnport::pivot {

const std::vector<InitKindInfo>& init_kinds() {
  static const std::vector<InitKindInfo> kKinds = {
      {InitKind::FrameworkDefault,
       "framework_default",
       {},
       "the named framework's own default for the layer; nothing to reproduce in it"},
      {InitKind::Zeros, "zeros", {}, "all zeros"},
      {InitKind::Ones, "ones", {}, "all ones"},
      {InitKind::Constant, "constant", {"value"}, "every element `value`"},
      {InitKind::RandomUniform, "random_uniform", {"low", "high"}, "uniform in [low, high)"},
      {InitKind::RandomNormal, "random_normal", {"mean", "stddev"}, "normal(mean, stddev)"},
      {InitKind::TruncatedNormal,
       "truncated_normal",
       {"mean", "stddev"},
       "normal(mean, stddev), values beyond 2 stddev from the mean redrawn"},
      {InitKind::VarianceScaling,
       "variance_scaling",
       {"scale"},
       "with n the fan of `mode` (fan_in, fan_out, their mean): truncated normal of stddev "
       "sqrt(scale/n)/.87962566103423978 cut at 2 stddev, normal of stddev sqrt(scale/n), or "
       "uniform in +-sqrt(3 scale/n); glorot = (1, fan_avg), he = (2, fan_in), lecun = (1, "
       "fan_in)"},
      {InitKind::Orthogonal,
       "orthogonal",
       {"gain"},
       "gain times a random matrix with orthonormal rows or columns, the tensor flattened to "
       "(prod(shape[:-1]), shape[-1]) of the source layout"},
      {InitKind::Identity, "identity", {"gain"}, "gain times the 2-D identity matrix"},
  };
  return kKinds;
}

const InitKindInfo& init_kind_info(InitKind kind) {
  for (const auto& info : init_kinds())
    if (info.kind == kind) return info;
  throw std::logic_error("initializer kind missing from the catalog");
}

std::optional<InitKind> init_kind_from_name(const std::string& name) {
  for (const auto& info : init_kinds())
    if (name == info.name) return info.kind;
  return std::nullopt;
}

const char* fan_mode_name(FanMode mode) {
  switch (mode) {
    case FanMode::In: return "fan_in";
    case FanMode::Out: return "fan_out";
    case FanMode::Avg: return "fan_avg";
  }
  return "fan_in";
}

const char* distribution_name(Distribution distribution) {
  switch (distribution) {
    case Distribution::TruncatedNormal: return "truncated_normal";
    case Distribution::UntruncatedNormal: return "untruncated_normal";
    case Distribution::Uniform: return "uniform";
  }
  return "truncated_normal";
}

double variance_scaling_fan(const Initializer& init) {
  const double in = static_cast<double>(init.fan_in), out = static_cast<double>(init.fan_out);
  switch (init.mode) {
    case FanMode::In: return in;
    case FanMode::Out: return out;
    case FanMode::Avg: return (in + out) / 2.0;
  }
  return in;
}

double variance_scaling_stddev(const Initializer& init) {
  const double fan = variance_scaling_fan(init);
  if (fan <= 0) return 0;
  const double scale = init.numbers.empty() ? 1.0 : init.numbers[0];
  const double stddev = std::sqrt(scale / fan);
  return init.distribution == Distribution::TruncatedNormal ? stddev / .87962566103423978 : stddev;
}

double variance_scaling_limit(const Initializer& init) {
  const double fan = variance_scaling_fan(init);
  if (fan <= 0) return 0;
  const double scale = init.numbers.empty() ? 1.0 : init.numbers[0];
  return std::sqrt(3.0 * scale / fan);
}

std::string describe(const Initializer& init) {
  if (!init.source_name.empty()) return init.source_name;
  const auto& info = init_kind_info(init.kind);
  std::ostringstream out;
  out << info.name;
  if (init.kind == InitKind::FrameworkDefault) {
    if (!init.framework.empty()) out << " of " << init.framework;
    return out.str();
  }
  if (!init.numbers.empty() || init.kind == InitKind::VarianceScaling) {
    out << "(";
    for (size_t i = 0; i < init.numbers.size() && i < info.numbers.size(); ++i)
      out << (i ? ", " : "") << info.numbers[i] << "=" << init.numbers[i];
    if (init.kind == InitKind::VarianceScaling)
      out << (init.numbers.empty() ? "" : ", ") << "mode=" << fan_mode_name(init.mode)
          << ", distribution=" << distribution_name(init.distribution);
    out << ")";
  }
  return out.str();
}

}  // namespace nnport::pivot
