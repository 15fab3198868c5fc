// How a parameter is initialised when no trained weights are given: the source framework's rule
// for it, as a value (conventions row 16). Readers fill it for every parameter they create (the
// explicit initializer argument, otherwise the source framework's default for that layer and
// parameter); writers of another framework reproduce it with explicit init calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nnport::pivot {

enum class InitKind : uint8_t {
  FrameworkDefault,  // whatever `framework` does for this layer (nothing to reproduce there)
  Zeros,
  Ones,
  Constant,         // numbers: value
  RandomUniform,    // numbers: low, high
  RandomNormal,     // numbers: mean, stddev
  TruncatedNormal,  // numbers: mean, stddev; values beyond 2 stddev are redrawn (Keras)
  // numbers: scale; `mode` picks the fan, `distribution` the law: truncated normal with
  // stddev sqrt(scale / fan) / .87962566103423978 (the stddev after truncation at 2 is
  // sqrt(scale / fan)), untruncated normal with stddev sqrt(scale / fan), or uniform in
  // +-sqrt(3 scale / fan). Glorot (Xavier), He (Kaiming) and LeCun are its instances.
  VarianceScaling,
  Orthogonal,  // numbers: gain; the tensor flattened to (prod(shape[:-1]), shape[-1]) of the
               // source layout, orthonormal rows or columns times gain
  Identity,    // numbers: gain; a 2-D identity matrix times gain
};

enum class FanMode : uint8_t { In, Out, Avg };
enum class Distribution : uint8_t { TruncatedNormal, UntruncatedNormal, Uniform };

struct Initializer {
  InitKind kind = InitKind::FrameworkDefault;
  std::string framework;  // FrameworkDefault: "pytorch" | "keras"; empty when nothing is known
  std::vector<double> numbers;
  FanMode mode = FanMode::In;
  Distribution distribution = Distribution::TruncatedNormal;
  // Fans as the source framework counts them on its own layout of the parameter (Keras: a
  // kernel (..., in, out) has fan_in = in * prod(...), fan_out = out * prod(...)).
  int64_t fan_in = 0;
  int64_t fan_out = 0;
  // Block `ones_block` of `blocks` equal blocks along axis 0 of the canonical layout is ones,
  // the rest follows the rule above (Keras LSTM unit_forget_bias: the forget gate's bias).
  int64_t blocks = 0;
  int64_t ones_block = -1;
  std::string source_name;  // as the source spelled it ("he_normal"), for comments

  bool known() const { return kind != InitKind::FrameworkDefault; }
  friend bool operator==(const Initializer&, const Initializer&) = default;
};

// The catalog of initializer kinds: name (as in the pivot JSON) and the meaning of its numbers.
struct InitKindInfo {
  InitKind kind;
  const char* name;
  std::vector<const char*> numbers;
  const char* doc;
};
const std::vector<InitKindInfo>& init_kinds();
const InitKindInfo& init_kind_info(InitKind kind);
std::optional<InitKind> init_kind_from_name(const std::string& name);
const char* fan_mode_name(FanMode mode);
const char* distribution_name(Distribution distribution);

// The standard deviation a VarianceScaling normal draws with (before truncation for
// TruncatedNormal), or the bound of its uniform law; 0 when the fan is 0.
double variance_scaling_fan(const Initializer& init);
double variance_scaling_stddev(const Initializer& init);
double variance_scaling_limit(const Initializer& init);

// One line for comments and reports: "glorot_uniform", "random_normal(mean=0, stddev=0.02)".
std::string describe(const Initializer& init);

}  // namespace nnport::pivot
