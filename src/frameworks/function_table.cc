// Lookups over the function tables (function_table.h).
#include "frameworks/function_table.h"

namespace nnport::frameworks {

const FunctionRow* find_function_by_spelling(const std::vector<FunctionRow>& rows,
                                             std::string_view spelling) {
  for (const auto& r : rows)
    if (spelling == r.spelling) return &r;
  return nullptr;
}

const FunctionRow* find_function_by_canonical(const std::vector<FunctionRow>& rows,
                                              std::string_view canonical) {
  for (const auto& r : rows)
    if (canonical == r.canonical) return &r;
  return nullptr;
}

}  // namespace nnport::frameworks
