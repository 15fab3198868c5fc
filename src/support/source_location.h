// Positions in user source files. Every pivot object carries one; "unknown" is explicit.
#pragma once

#include <cstdint>
#include <string>

namespace nnport {

struct SourceLocation {
  std::string file;     // path as the user gave it; empty when unknown
  uint32_t line = 0;    // 1-based; 0 when unknown
  uint32_t column = 0;  // 1-based; 0 when unknown

  bool known() const { return line != 0; }
  static SourceLocation unknown() { return {}; }
  friend bool operator==(const SourceLocation&, const SourceLocation&) = default;
};

}  // namespace nnport
