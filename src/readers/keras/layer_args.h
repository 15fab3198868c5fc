// Reading the arguments of a Keras layer constructor: positional or keyword, with the Keras
// default made explicit when absent, and a diagnostic when a value is not a constant.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "readers/keras/interpreter.h"

namespace nnport::readers::keras {

class LayerArgs {
 public:
  LayerArgs(Interpreter& in, const Layer& layer) : in_(in), layer_(layer) {}

  // The argument at `position` or keyword `key` (any of `keys`), as a constant.
  std::optional<Constant> get(int position, std::initializer_list<const char*> keys) const;
  bool has(int position, std::initializer_list<const char*> keys) const;
  int64_t integer(int position, std::initializer_list<const char*> keys, int64_t fallback) const;
  double real(int position, std::initializer_list<const char*> keys, double fallback) const;
  bool boolean(int position, std::initializer_list<const char*> keys, bool fallback) const;
  std::string string(int position, std::initializer_list<const char*> keys,
                     const std::string& fallback) const;
  // "int or tuple" arguments, one int repeated `rank` times.
  std::vector<int64_t> ints(int position, std::initializer_list<const char*> keys, int64_t fallback,
                            size_t rank) const;
  // The padding= argument ("valid" when absent), lower-cased as Keras' standardize_padding does
  // (Hands-On ML writes padding="SAME").
  std::string padding(int position) const;
  // The activation= argument as a name ("" when absent or None).
  std::string activation() const;
  // Reports an unsupported value of `key` at the layer's construction.
  void reject(const std::string& key, const std::string& why) const;
  bool ok() const { return ok_; }

 private:
  const Value* find(int position, std::initializer_list<const char*> keys) const;
  // Where the argument is written in the constructor call (the constructor when not found).
  SourceLocation where(int position, std::initializer_list<const char*> keys) const;
  // Records an argument that could not be read: the emitter's layer becomes unsupported.
  void unread(int position, std::initializer_list<const char*> keys, const std::string& why,
              Code code, bool reported) const;
  Interpreter& in_;
  const Layer& layer_;
  mutable bool ok_ = true;
};

}  // namespace nnport::readers::keras
