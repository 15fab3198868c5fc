// Lookups over the training correspondence rows.
#include "frameworks/training_table.h"

#include <algorithm>

namespace nnport::frameworks {

const SetupArgRow* SetupRow::find_canonical(std::string_view canonical) const {
  for (const auto& a : args)
    if (a.canonical == canonical) return &a;
  return nullptr;
}

const SetupArgRow* SetupRow::find_spelled(std::string_view spelled) const {
  for (const auto& a : args)
    if (a.spelled == spelled) return &a;
  return nullptr;
}

const SetupRow* find_row_by_symbol(const std::vector<SetupRow>& rows, std::string_view symbol) {
  for (const auto& r : rows)
    if (r.symbol == symbol) return &r;
  return nullptr;
}

const SetupRow* find_row_by_string(const std::vector<SetupRow>& rows, pivot::SetupFamily family,
                                   std::string_view text) {
  for (const auto& r : rows)
    if (r.family == family &&
        std::find(r.strings.begin(), r.strings.end(), text) != r.strings.end())
      return &r;
  return nullptr;
}

const SetupRow* find_row_for_kind(const std::vector<SetupRow>& rows, pivot::SetupFamily family,
                                  std::string_view kind) {
  for (const auto& r : rows)
    if (r.family == family && r.kind == kind && !r.read_only) return &r;
  return nullptr;
}

}  // namespace nnport::frameworks
