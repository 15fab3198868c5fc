// Writing a training script around the generated model: the framework-independent part.
//
// The model writer's module (header comment, imports, model code) is kept as it is; the script
// writer adds the target framework's imports the training code needs and the source's
// framework-free imports, then writes the script's steps in order: Verbatim steps as written,
// Block steps with their headers and bodies, Unsupported steps as a TODO(nnport) marker above
// the original statement commented out, and every typed step through the target framework's
// StepRenderer.
#pragma once

#include <string>
#include <vector>

#include "pivot/training.h"
#include "support/diagnostics.h"

namespace nnport::writers {

class StepRenderer {
 public:
  virtual ~StepRenderer() = default;
  // The lines of one typed step (not Verbatim, Block, ModelDefinition or Unsupported), without
  // the block's indentation; nested lines carry their own relative indentation (4 spaces).
  // An empty result writes nothing (a step folded into another one).
  virtual std::vector<std::string> render(const pivot::ScriptStep& step,
                                          const pivot::Script& script) = 0;
  // Import lines the rendered steps need; asked after every step was rendered.
  virtual std::vector<std::string> imports() const = 0;
  // True when a rendered step carries a TODO(nnport) marker.
  virtual bool partial() const { return false; }
};

struct ScriptOutput {
  std::string python;
  bool partial = false;  // a TODO(nnport) marker was written
};

// `model_python` is the model writer's complete module; the model code goes where the
// ModelDefinition step is (after the imports when there is none).
ScriptOutput write_script(const std::string& model_python, const pivot::Script& script,
                          StepRenderer& renderer);

}  // namespace nnport::writers
