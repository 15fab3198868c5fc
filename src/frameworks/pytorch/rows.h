// Shorthands used to write the PyTorch tables (internal to frameworks/pytorch).
#pragma once

#include "frameworks/pytorch/table.h"

namespace nnport::frameworks::pytorch::rows {

inline Constant I(int64_t v) { return Constant::integer(v); }
inline Constant B(bool v) { return Constant::boolean(v); }
inline Constant F(double v) { return Constant::floating(v); }
inline Constant S(std::string v) { return Constant::string(std::move(v)); }
inline Constant None() { return Constant::none(); }

inline ArgRow required(std::string name, ArgConverter c, std::string attr = {}) {
  return ArgRow{std::move(name), std::nullopt, c, std::move(attr)};
}
inline ArgRow optional(std::string name, Constant dflt, ArgConverter c, std::string attr = {}) {
  return ArgRow{std::move(name), std::move(dflt), c, std::move(attr)};
}
// Arguments without effect on an inference graph (inplace, device, dtype).
inline ArgRow ignored(std::string name, Constant dflt = Constant::none()) {
  return ArgRow{std::move(name), std::move(dflt), convert::ignore, {}};
}
// Arguments only migrated at their default value.
inline ArgRow default_only(std::string name, Constant dflt) {
  return ArgRow{std::move(name), std::move(dflt), convert::only_default, {}};
}

}  // namespace nnport::frameworks::pytorch::rows
