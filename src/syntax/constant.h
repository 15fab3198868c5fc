// Python values the static evaluator can produce: None, bool, int, float, str, tuple, list.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nnport::syntax {

struct Constant {
  enum class Kind : uint8_t { None, Bool, Int, Float, String, Tuple, List };

  Kind kind = Kind::None;
  bool b = false;
  int64_t i = 0;
  double f = 0.0;
  std::string s;
  std::vector<Constant> items;  // Tuple and List
  // A set, or a list/tuple made from one: Python does not define the order of its items, so
  // only uses that do not depend on it (len, sorted, in, min, max, sum, set) are folded.
  bool unordered = false;

  static Constant none() { return {}; }
  static Constant boolean(bool v);
  static Constant integer(int64_t v);
  static Constant floating(double v);
  static Constant string(std::string v);
  static Constant tuple(std::vector<Constant> v);
  static Constant list(std::vector<Constant> v);

  bool is_none() const { return kind == Kind::None; }
  bool is_bool() const { return kind == Kind::Bool; }
  bool is_int() const { return kind == Kind::Int; }  // bool excluded
  bool is_number() const { return kind == Kind::Int || kind == Kind::Float || kind == Kind::Bool; }
  bool is_string() const { return kind == Kind::String; }
  bool is_sequence() const { return kind == Kind::Tuple || kind == Kind::List; }
  // A sequence whose item order is known (not made from a set).
  bool is_ordered_sequence() const { return is_sequence() && !unordered; }

  // int or bool as an integer (Python: True == 1).
  std::optional<int64_t> as_int() const;
  std::optional<double> as_double() const;
  // A sequence of ints, or one int repeated `fill` times when fill > 0 ("int or tuple" args).
  std::optional<std::vector<int64_t>> as_ints(size_t fill = 0) const;
  bool truthy() const;
  std::string repr() const;  // Python repr: "None", "True", "(1, 2)", "'same'"

  friend bool operator==(const Constant& a, const Constant& b);  // Python ==
};

}  // namespace nnport::syntax
