#include "readers/keras/training_wrappers.h"

namespace nnport::readers::keras {

std::optional<std::string> training_wrapper_reason(const ClassDef& cls) {
  if (!cls.is_model) return std::nullopt;
  std::string overrides;
  int depth = 0;
  for (const ClassDef* c = &cls; c && depth < 32; c = c->user_base, ++depth) {
    if (c->methods.count("call")) return std::nullopt;
    for (const char* method : {"train_step", "test_step", "compute_loss", "compile"})
      if (c->methods.count(method) && overrides.find(method) == std::string::npos)
        overrides += (overrides.empty() ? "" : ", ") + std::string(method);
  }
  if (overrides.empty()) return std::nullopt;
  return "defines " + overrides + " but no call(): it trains other models and cannot run inference";
}

}  // namespace nnport::readers::keras
