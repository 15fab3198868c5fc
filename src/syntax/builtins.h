// Pure Python builtins and str/list methods applied to constants (`sorted(set(text))`,
// `len(chars)`, `text.lower().split()`), shared by the constant evaluator and the readers'
// interpreters. Work is bounded: an input or result longer than kMaxFoldItems items (or
// characters) is refused, so a huge constant in the source cannot make the reader slow.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "syntax/constant.h"
#include "syntax/slice_bounds.h"

namespace nnport::syntax {

inline constexpr size_t kMaxFoldItems = size_t{1} << 16;

using ConstantKwargs = std::vector<std::pair<std::string, Constant>>;

// True for the builtin names apply_builtin folds.
bool is_folded_builtin(std::string_view name);

// name(*args, **kwargs); nullopt with `why` set when the call cannot be folded.
std::optional<Constant> apply_builtin(std::string_view name, const std::vector<Constant>& args,
                                      const ConstantKwargs& kwargs, std::string& why);

// True for the method names apply_method folds (on str, list or tuple constants).
bool is_folded_method(std::string_view method);

// self.method(*args); nullopt with `why` set when it cannot be folded.
std::optional<Constant> apply_method(const Constant& self, std::string_view method,
                                     const std::vector<Constant>& args, std::string& why);

// seq[start:stop:step] with Python's clamping, for strings, tuples and lists.
std::optional<Constant> apply_slice(const Constant& seq, const SliceBounds& bounds,
                                    std::string& why);

}  // namespace nnport::syntax
