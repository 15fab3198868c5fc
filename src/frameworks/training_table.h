// Correspondence rows between a framework's training API and the training catalog
// (pivot/training_catalog.h): one row per optimiser/loss/metric/schedule/callback class or
// string, with the framework's argument names and DEFAULTS. Readers bind calls against a row in
// reverse (filling every canonical hyper-parameter, defaults included); writers spell a pivot
// value from the target's row and write out each value that differs from the target's default
// or whose defaults differ between the frameworks.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pivot/training_catalog.h"

namespace nnport::frameworks {

struct SetupArgRow {
  std::string canonical;            // catalog hyper-parameter ("beta_1")
  std::string spelled;              // framework argument; "betas.0" = element 0 of tuple `betas`
  pivot::SetupValue default_value;  // this framework's default; Unset = no default (required)
  int position = -1;                // positional index in the call (after the parameters
                                    // argument for PyTorch optimisers); -1 = keyword only
};

struct SetupRow {
  pivot::SetupFamily family;
  std::string kind;                  // catalog kind
  std::string symbol;                // qualified: "torch.optim.Adam", "keras.optimizers.Adam"
  std::vector<std::string> strings;  // string identifiers accepted for it ("adam", "mse")
  std::vector<SetupArgRow> args;
  // Loss/metric facts implied by the symbol: "input_form" -> "logits"|"probabilities"|
  // "log_probabilities", "label_form" -> "index"|"one_hot"|"binary"|"value".
  std::map<std::string, std::string> implied;
  bool read_only = false;  // read, never written (an alias of another row)

  const SetupArgRow* find_canonical(std::string_view canonical) const;
  const SetupArgRow* find_spelled(std::string_view spelled) const;
};

// Lookup helpers over a framework's table.
const SetupRow* find_row_by_symbol(const std::vector<SetupRow>& rows, std::string_view symbol);
const SetupRow* find_row_by_string(const std::vector<SetupRow>& rows, pivot::SetupFamily family,
                                   std::string_view text);
// The writable row for a catalog kind (first non read_only row of that family and kind).
const SetupRow* find_row_for_kind(const std::vector<SetupRow>& rows, pivot::SetupFamily family,
                                  std::string_view kind);

// Short spellings for default values in the framework tables (f(0.9), b(false), kRequired).
namespace row_values {
inline pivot::SetupValue f(double v) { return pivot::SetupValue::real(v); }
inline pivot::SetupValue b(bool v) { return pivot::SetupValue::boolean(v); }
inline pivot::SetupValue i(int64_t v) { return pivot::SetupValue::integer(v); }
inline pivot::SetupValue s(std::string v) { return pivot::SetupValue::string(std::move(v)); }
inline const pivot::SetupValue kRequired{};
}  // namespace row_values

namespace pytorch {
const std::vector<SetupRow>& training_rows();  // src/frameworks/pytorch/training_rows.cc
}
namespace keras {
const std::vector<SetupRow>& training_rows();  // src/frameworks/keras/training_rows.cc
}

}  // namespace nnport::frameworks
