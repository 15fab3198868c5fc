// Builtins and methods on constants (see builtins.h). Every loop is bounded by the size of an
// input or result, and both are capped at kMaxFoldItems.
#include "syntax/builtins.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <set>

#include "syntax/evaluator.h"

namespace nnport::syntax {

namespace {

using K = Constant::Kind;

size_t length_of(const Constant& c) { return c.is_string() ? c.s.size() : c.items.size(); }

// The items `for x in c` visits; nullopt (with `why`) when c is not iterable here or its order
// is not defined and `need_order` is set.
std::optional<std::vector<Constant>> iterate(const Constant& c, bool need_order, std::string& why) {
  if (length_of(c) > kMaxFoldItems) {
    why = "the value is too large to fold";
    return std::nullopt;
  }
  if (c.is_string()) {
    std::vector<Constant> out;
    for (char ch : c.s) out.push_back(Constant::string(std::string(1, ch)));
    return out;
  }
  if (!c.is_sequence()) {
    why = "the argument is not a string, tuple, list or set";
    return std::nullopt;
  }
  if (need_order && c.unordered) {
    why = "the order of a set's items is not defined";
    return std::nullopt;
  }
  return c.items;
}

bool is_nan(const Constant& c) { return c.kind == K::Float && std::isnan(c.f); }

// Items all numbers (no NaN) or all strings: the ones sorted(), min() and max() order here.
bool orderable(const std::vector<Constant>& items) {
  const bool numbers = std::all_of(items.begin(), items.end(),
                                   [](const Constant& c) { return c.is_number() && !is_nan(c); });
  const bool strings =
      std::all_of(items.begin(), items.end(), [](const Constant& c) { return c.is_string(); });
  return numbers || strings;
}

bool less(const Constant& a, const Constant& b) { return apply_compare("<", a, b).value_or(false); }

// A set's items: equal values once, in a canonical order (sorted when orderable) so that equal
// sets compare equal.
Constant make_set(std::vector<Constant> items) {
  std::vector<Constant> unique;
  if (orderable(items)) {
    std::stable_sort(items.begin(), items.end(), less);
    for (auto& c : items)
      if (unique.empty() || !(unique.back() == c)) unique.push_back(std::move(c));
  } else {
    for (auto& c : items)
      if (std::find(unique.begin(), unique.end(), c) == unique.end()) unique.push_back(c);
  }
  Constant out = Constant::list(std::move(unique));
  out.unordered = true;
  return out;
}

const Constant* kwarg(const ConstantKwargs& kwargs, std::string_view key) {
  for (const auto& [k, v] : kwargs)
    if (k == key) return &v;
  return nullptr;
}

std::optional<Constant> sum_of(const std::vector<Constant>& items, Constant total,
                               std::string& why) {
  for (const auto& c : items) {
    if (!c.is_number() || !total.is_number()) {
      why = "only numbers are summed";
      return std::nullopt;
    }
    auto next = apply_binary("+", total, c);
    if (!next) {
      why = "integer overflow";
      return std::nullopt;
    }
    total = std::move(*next);
  }
  return total;
}

std::string str_of(const Constant& c) { return c.is_string() ? c.s : c.repr(); }

bool is_space(char ch) { return std::isspace(static_cast<unsigned char>(ch)) != 0; }

std::vector<Constant> split_whitespace(const std::string& s) {
  std::vector<Constant> out;
  size_t k = 0;
  while (k < s.size()) {
    while (k < s.size() && is_space(s[k])) ++k;
    const size_t begin = k;
    while (k < s.size() && !is_space(s[k])) ++k;
    if (k > begin) out.push_back(Constant::string(s.substr(begin, k - begin)));
  }
  return out;
}

std::string strip(const std::string& s, const std::optional<std::string>& chars, bool left,
                  bool right) {
  const auto strip_it = [&](char ch) {
    return chars ? chars->find(ch) != std::string::npos : is_space(ch);
  };
  size_t begin = 0, end = s.size();
  while (left && begin < end && strip_it(s[begin])) ++begin;
  while (right && end > begin && strip_it(s[end - 1])) --end;
  return s.substr(begin, end - begin);
}

}  // namespace

bool is_folded_builtin(std::string_view name) {
  static const std::set<std::string, std::less<>> kNames{
      "int",   "float", "bool", "str",       "len",    "abs",      "min",       "max", "sum",
      "tuple", "list",  "set",  "frozenset", "sorted", "reversed", "enumerate", "zip", "range"};
  return kNames.count(name) > 0;
}

std::optional<Constant> apply_builtin(std::string_view name, const std::vector<Constant>& args,
                                      const ConstantKwargs& kwargs, std::string& why) {
  const auto bad = [&](const char* reason) -> std::optional<Constant> {
    why = std::string(name) + "(): " + reason;
    return std::nullopt;
  };
  const bool takes_kwargs = name == "sorted" || name == "enumerate" || name == "sum";
  if (!kwargs.empty() && !takes_kwargs) return bad("keyword arguments are not folded");
  for (const auto& [k, v] : kwargs)
    if (!(name == "sorted" && k == "reverse") && !(name == "enumerate" && k == "start") &&
        !(name == "sum" && k == "start"))
      return bad("this keyword argument is not folded");
  if (name == "str") {
    if (args.size() > 1) return bad("takes one argument");
    if (args.empty()) return Constant::string("");
    if (args[0].is_sequence() && args[0].unordered) return bad("the order of a set is not defined");
    std::string text = str_of(args[0]);
    if (text.size() > kMaxFoldItems) return bad("the result is too large to fold");
    return Constant::string(std::move(text));
  }
  if (name == "set" || name == "frozenset" || name == "list" || name == "tuple" ||
      name == "sorted" || name == "reversed") {
    if (args.size() > 1 || (args.empty() && (name == "sorted" || name == "reversed")))
      return bad("takes one argument");
    std::vector<Constant> items;
    if (!args.empty()) {
      auto it = iterate(args[0], name == "reversed", why);
      if (!it) return bad(why.c_str());
      items = std::move(*it);
    }
    if (name == "set" || name == "frozenset") return make_set(std::move(items));
    if (name == "sorted") {
      if (!orderable(items)) return bad("the items cannot be ordered here");
      std::stable_sort(items.begin(), items.end(), less);
      if (const Constant* r = kwarg(kwargs, "reverse"); r && r->truthy()) {
        // reverse=True keeps equal items in their original order, like Python.
        std::stable_sort(items.begin(), items.end(),
                         [](const Constant& a, const Constant& b) { return less(b, a); });
      }
      return Constant::list(std::move(items));
    }
    if (name == "reversed") {
      std::reverse(items.begin(), items.end());
      return Constant::list(std::move(items));
    }
    const bool unordered = !args.empty() && args[0].is_sequence() && args[0].unordered;
    Constant out =
        name == "tuple" ? Constant::tuple(std::move(items)) : Constant::list(std::move(items));
    out.unordered = unordered;
    return out;
  }
  if (name == "enumerate") {
    if (args.size() != 1) return bad("takes one argument");
    auto items = iterate(args[0], true, why);
    if (!items) return bad(why.c_str());
    int64_t index = 0;
    if (const Constant* s = kwarg(kwargs, "start")) {
      if (!s->is_int()) return bad("start must be an int");
      index = s->i;
    }
    std::vector<Constant> out;
    for (auto& c : *items) {
      out.push_back(Constant::tuple({Constant::integer(index), std::move(c)}));
      if (__builtin_add_overflow(index, 1, &index)) return bad("integer overflow");
    }
    return Constant::list(std::move(out));
  }
  if (name == "zip") {
    std::vector<std::vector<Constant>> columns;
    size_t n = args.empty() ? 0 : std::numeric_limits<size_t>::max();
    for (const auto& a : args) {
      auto items = iterate(a, true, why);
      if (!items) return bad(why.c_str());
      n = std::min(n, items->size());
      columns.push_back(std::move(*items));
    }
    std::vector<Constant> out;
    for (size_t k = 0; k < n; ++k) {
      std::vector<Constant> row;
      for (const auto& col : columns) row.push_back(col[k]);
      out.push_back(Constant::tuple(std::move(row)));
    }
    return Constant::list(std::move(out));
  }
  if (name == "sum") {
    if (args.empty() || args.size() > 2) return bad("takes one or two arguments");
    auto items = iterate(args[0], false, why);
    if (!items) return bad(why.c_str());
    Constant start = Constant::integer(0);
    if (args.size() == 2) start = args[1];
    if (const Constant* s = kwarg(kwargs, "start")) start = *s;
    auto total = sum_of(*items, start, why);
    if (!total) return bad(why.c_str());
    return total;
  }
  if (name == "max" || name == "min") {
    std::vector<Constant> values = args;
    if (args.size() == 1) {
      auto items = iterate(args[0], false, why);
      if (!items) return bad(why.c_str());
      values = std::move(*items);
    }
    if (values.empty()) return bad("empty sequence");
    if (!orderable(values)) return bad("values cannot be ordered");
    Constant best = values[0];
    for (size_t k = 1; k < values.size(); ++k)
      if (name == "max" ? less(best, values[k]) : less(values[k], best)) best = values[k];
    return best;
  }
  if (name == "len") {
    if (args.size() != 1) return bad("takes one argument");
    if (!args[0].is_sequence() && !args[0].is_string()) return bad("argument has no length");
    return Constant::integer(static_cast<int64_t>(length_of(args[0])));
  }
  if (name == "abs") {
    if (args.size() != 1 || !args[0].is_number()) return bad("takes one number");
    if (args[0].kind == K::Float) return Constant::floating(std::fabs(args[0].f));
    const int64_t x = *args[0].as_int();
    if (x == std::numeric_limits<int64_t>::min()) return bad("integer overflow");
    return Constant::integer(x < 0 ? -x : x);
  }
  if (name == "bool") {
    if (args.size() > 1) return bad("takes one argument");
    return Constant::boolean(!args.empty() && args[0].truthy());
  }
  if (name == "float") {
    if (args.size() > 1) return bad("takes one argument");
    if (args.empty()) return Constant::floating(0.0);
    if (args[0].is_number()) return Constant::floating(*args[0].as_double());
    if (args[0].is_string()) {
      std::string text = strip(args[0].s, std::nullopt, true, true);
      std::string lower;
      for (char ch : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (lower == "inf" || lower == "+inf" || lower == "infinity")
        return Constant::floating(std::numeric_limits<double>::infinity());
      if (lower == "-inf" || lower == "-infinity")
        return Constant::floating(-std::numeric_limits<double>::infinity());
      if (auto f = parse_float(text)) return f;
    }
    return bad("argument is not a number");
  }
  if (name == "int") {
    if (args.size() > 1) return bad("takes one argument");
    if (args.empty()) return Constant::integer(0);
    const Constant& v = args[0];
    if (v.kind == K::Float) {
      if (!std::isfinite(v.f) || std::fabs(v.f) >= 9223372036854775808.0)
        return bad("value out of range");
      return Constant::integer(static_cast<int64_t>(std::trunc(v.f)));
    }
    if (v.is_number()) return Constant::integer(*v.as_int());
    if (v.is_string()) {
      std::string text = strip(v.s, std::nullopt, true, true);
      bool negative = false;
      if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        negative = text[0] == '-';
        text = text.substr(1);
      }
      // int("0x10") is an error in Python: only decimal digits are accepted.
      if (!text.empty() && std::all_of(text.begin(), text.end(), [](char ch) {
            return std::isdigit(static_cast<unsigned char>(ch)) || ch == '_';
          }))
        if (auto i = parse_integer(text)) return Constant::integer(negative ? -i->i : i->i);
    }
    return bad("argument is not a number");
  }
  if (name == "range") {
    // Folded to a list so loops over it can be unrolled; capped like other sequences.
    int64_t bounds[3] = {0, 0, 1};
    if (args.empty() || args.size() > 3) return bad("takes 1 to 3 arguments");
    for (const auto& a : args)
      if (!a.is_int()) return bad("arguments must be ints");
    if (args.size() == 1) {
      bounds[1] = args[0].i;
    } else {
      bounds[0] = args[0].i;
      bounds[1] = args[1].i;
      if (args.size() == 3) bounds[2] = args[2].i;
    }
    if (bounds[2] == 0) return bad("step must not be zero");
    std::vector<Constant> items;
    for (int64_t v = bounds[0]; bounds[2] > 0 ? v < bounds[1] : v > bounds[1];) {
      items.push_back(Constant::integer(v));
      if (items.size() > kMaxFoldItems) return bad("range too long");
      if (__builtin_add_overflow(v, bounds[2], &v)) break;
    }
    return Constant::list(std::move(items));
  }
  why = "call of '" + std::string(name) + "' is not a constant expression";
  return std::nullopt;
}

bool is_folded_method(std::string_view method) {
  static const std::set<std::string, std::less<>> kNames{
      "lower", "upper",   "strip",      "lstrip",   "rstrip", "split", "splitlines",
      "join",  "replace", "startswith", "endswith", "count",  "index", "find"};
  return kNames.count(method) > 0;
}

std::optional<Constant> apply_method(const Constant& self, std::string_view method,
                                     const std::vector<Constant>& args, std::string& why) {
  const auto bad = [&](const char* reason) -> std::optional<Constant> {
    why = "." + std::string(method) + "(): " + reason;
    return std::nullopt;
  };
  if (length_of(self) > kMaxFoldItems) return bad("the value is too large to fold");
  const auto string_arg = [&](size_t k) -> std::optional<std::string> {
    if (k < args.size() && args[k].is_string()) return args[k].s;
    return std::nullopt;
  };
  if (self.is_sequence()) {
    if (self.unordered) return bad("the order of a set's items is not defined");
    if ((method == "count" || method == "index") && args.size() == 1) {
      int64_t n = 0;
      for (size_t k = 0; k < self.items.size(); ++k)
        if (self.items[k] == args[0]) {
          if (method == "index") return Constant::integer(static_cast<int64_t>(k));
          ++n;
        }
      if (method == "index") return bad("the value is not in the sequence");
      return Constant::integer(n);
    }
    return bad("not folded on a tuple or list");
  }
  if (!self.is_string()) return bad("not folded on this value");
  const std::string& s = self.s;
  if (method == "lower" || method == "upper") {
    if (!args.empty()) return bad("takes no arguments");
    std::string out = s;
    for (char& ch : out)
      ch = static_cast<char>(method == "lower" ? std::tolower(static_cast<unsigned char>(ch))
                                               : std::toupper(static_cast<unsigned char>(ch)));
    return Constant::string(std::move(out));
  }
  if (method == "strip" || method == "lstrip" || method == "rstrip") {
    if (args.size() > 1 || (args.size() == 1 && !args[0].is_string() && !args[0].is_none()))
      return bad("takes one optional string");
    const auto chars = string_arg(0);
    return Constant::string(strip(s, chars, method != "rstrip", method != "lstrip"));
  }
  if (method == "split") {
    if (args.size() > 2) return bad("takes a separator and a count");
    int64_t max_split = -1;
    if (args.size() == 2) {
      if (!args[1].is_int()) return bad("the count must be an int");
      max_split = args[1].i;
    }
    if (args.empty() || args[0].is_none()) {
      if (max_split >= 0) return bad("a count without a separator is not folded");
      return Constant::list(split_whitespace(s));
    }
    const auto sep = string_arg(0);
    if (!sep || sep->empty()) return bad("the separator must be a non-empty string");
    std::vector<Constant> out;
    size_t begin = 0;
    while (max_split < 0 || static_cast<int64_t>(out.size()) < max_split) {
      const size_t at = s.find(*sep, begin);
      if (at == std::string::npos) break;
      out.push_back(Constant::string(s.substr(begin, at - begin)));
      begin = at + sep->size();
    }
    out.push_back(Constant::string(s.substr(begin)));
    return Constant::list(std::move(out));
  }
  if (method == "splitlines") {
    if (!args.empty()) return bad("keepends is not folded");
    std::vector<Constant> out;
    size_t begin = 0;
    for (size_t k = 0; k < s.size(); ++k)
      if (s[k] == '\n' || s[k] == '\r') {
        out.push_back(Constant::string(s.substr(begin, k - begin)));
        if (s[k] == '\r' && k + 1 < s.size() && s[k + 1] == '\n') ++k;
        begin = k + 1;
      }
    if (begin < s.size()) out.push_back(Constant::string(s.substr(begin)));
    return Constant::list(std::move(out));
  }
  if (method == "join") {
    if (args.size() != 1) return bad("takes one argument");
    auto items = iterate(args[0], true, why);
    if (!items) return bad(why.c_str());
    std::string out;
    for (size_t k = 0; k < items->size(); ++k) {
      if (!(*items)[k].is_string()) return bad("the items must be strings");
      if (k) out += s;
      out += (*items)[k].s;
      if (out.size() > kMaxFoldItems) return bad("the result is too large to fold");
    }
    return Constant::string(std::move(out));
  }
  if (method == "replace") {
    const auto from = string_arg(0), to = string_arg(1);
    if (args.size() != 2 || !from || !to || from->empty())
      return bad("takes two strings, the first not empty");
    std::string out;
    size_t begin = 0;
    for (size_t at = s.find(*from); at != std::string::npos; at = s.find(*from, begin)) {
      out += s.substr(begin, at - begin) + *to;
      begin = at + from->size();
      if (out.size() > kMaxFoldItems) return bad("the result is too large to fold");
    }
    return Constant::string(out + s.substr(begin));
  }
  if (method == "startswith" || method == "endswith") {
    const auto part = string_arg(0);
    if (args.size() != 1 || !part) return bad("takes one string");
    const bool hit = method == "startswith"
                         ? s.compare(0, part->size(), *part) == 0
                         : s.size() >= part->size() &&
                               s.compare(s.size() - part->size(), part->size(), *part) == 0;
    return Constant::boolean(hit);
  }
  if (method == "count" || method == "find" || method == "index") {
    const auto part = string_arg(0);
    if (args.size() != 1 || !part) return bad("takes one string");
    if (method != "count") {
      const size_t at = s.find(*part);
      if (at == std::string::npos) {
        if (method == "index") return bad("substring not found");
        return Constant::integer(-1);
      }
      return Constant::integer(static_cast<int64_t>(at));
    }
    if (part->empty()) return Constant::integer(static_cast<int64_t>(s.size() + 1));
    int64_t n = 0;
    for (size_t at = s.find(*part); at != std::string::npos; at = s.find(*part, at + part->size()))
      ++n;
    return Constant::integer(n);
  }
  return bad("not folded");
}

std::optional<Constant> apply_slice(const Constant& seq, const SliceBounds& bounds,
                                    std::string& why) {
  if (!seq.is_string() && !seq.is_sequence()) {
    why = "value is not subscriptable";
    return std::nullopt;
  }
  if (seq.unordered) {
    why = "the order of a set's items is not defined";
    return std::nullopt;
  }
  const int64_t size = static_cast<int64_t>(length_of(seq));
  const int64_t step = bounds.step.value_or(1);
  if (step == 0) {
    why = "slice step cannot be zero";
    return std::nullopt;
  }
  // Python's PySlice_AdjustIndices.
  const auto adjust = [&](std::optional<int64_t> b, int64_t omitted) {
    if (!b) return omitted;
    int64_t v = *b;
    if (v < 0) {
      v += size;
      if (v < 0) v = step < 0 ? -1 : 0;
    } else if (v >= size) {
      v = step < 0 ? size - 1 : size;
    }
    return v;
  };
  const int64_t start = adjust(bounds.start, step < 0 ? size - 1 : 0);
  const int64_t stop = adjust(bounds.stop, step < 0 ? -1 : size);
  Constant out = seq;
  out.items.clear();
  out.s.clear();
  for (int64_t k = start; step > 0 ? k < stop : k > stop;) {
    if (seq.is_string())
      out.s += seq.s[static_cast<size_t>(k)];
    else
      out.items.push_back(seq.items[static_cast<size_t>(k)]);
    if (__builtin_add_overflow(k, step, &k)) break;
  }
  return out;
}

}  // namespace nnport::syntax
