// A batch loop flattening each batch (`data = data.view(-1, 28 * 28)` before `model(data)`, as
// the fully connected MNIST examples do): Keras fit takes whole arrays, so the dataset is
// flattened once instead, each sample in the source's channels-first order.
#include <algorithm>

#include "readers/pytorch/script_recognizer.h"

namespace nnport::readers::pytorch {

using syntax::Node;

bool TorchScriptRecognizer::flatten_features(const std::string& loader, const BatchLoop& b,
                                             ScriptContext& ctx) {
  if (b.feature_flattens.empty()) return true;
  auto it = datasets_.find(loader);
  if (it == datasets_.end()) return false;
  auto& all = ctx.script->setup.datasets;
  pivot::Dataset& d = all[it->second];
  if (d.kind != "builtin") return false;
  auto add = [&](pivot::Dataset& target) {
    const bool has = std::any_of(target.transforms.begin(), target.transforms.end(),
                                 [](const pivot::DataTransform& t) { return t.kind == "flatten"; });
    if (has) return;
    pivot::DataTransform t;
    t.kind = "flatten";
    t.location = b.feature_flattens[0].location();
    target.transforms.push_back(std::move(t));
  };
  add(d);
  if (auto parent = datasets_.find(d.parent); !d.parent.empty() && parent != datasets_.end())
    add(all[parent->second]);
  for (Node s : b.feature_flattens)
    ctx.diags->note(Code::ScriptDropped, s.location())
        << "each batch of '" << loader
        << "' is flattened in the loop: the dataset's images are flattened once where it is read "
           "(in the source's channels-first order)";
  return true;
}

}  // namespace nnport::readers::pytorch
