// tf.data statements of a Keras script that only tune the input pipeline (see
// script_recognizer.h): `AUTOTUNE = tf.data.AUTOTUNE` and `train_ds =
// train_ds.cache().shuffle(1000).prefetch(buffer_size=AUTOTUNE)` on a dataset the script already
// made (the TensorFlow image-classification tutorials). cache() and prefetch() change how fast
// batches come, not which; shuffle() of a dataset that already shuffles every epoch (an image
// folder) changes the order of the batches, which is random already. The DataLoader the dataset
// becomes needs none of them.
#include <string>
#include <vector>

#include "readers/keras/script_recognizer.h"
#include "readers/pytorch/script_syntax.h"

namespace nnport::readers::keras {

using pivot::ScriptStep;
using syntax::Kind;
using syntax::Node;

bool KerasScriptRecognizer::claim_dataset_passes(Node stmt, Node right,
                                                 const std::vector<std::string>& targets,
                                                 ScriptContext& ctx, std::vector<ScriptStep>& out) {
  if (targets.size() != 1) return false;
  const std::string q = qualified(right, ctx);
  if (q == "tensorflow.data.AUTOTUNE" || q == "tensorflow.data.experimental.AUTOTUNE") {
    // Read by prefetch()/cache() only, which the DataLoader does without; any other use of the
    // name is a framework object's and reported.
    ctx.vars[targets[0]] = ScriptVar::Framework;
    autotune_names_.insert(targets[0]);
    out.push_back(dropped_step(
        stmt, ctx, "tf.data.AUTOTUNE tunes tf.data pipelines; the DataLoader has no counterpart"));
    return true;
  }
  if (!right.is(Kind::Call)) return false;
  const auto chain = pytorch::method_chain(right);
  if (!chain.base.is(Kind::Identifier) || chain.base.text() != targets[0]) return false;
  auto it = dataset_vars_.find(targets[0]);
  if (it == dataset_vars_.end()) return false;
  const pivot::Dataset& d = ctx.script->setup.datasets.at(it->second);
  const bool shuffled = d.shuffle.kind == pivot::SetupValue::Kind::Bool && d.shuffle.b;
  for (size_t i = 0; i < chain.methods.size(); ++i) {
    const std::string& m = chain.methods[i];
    if (m == "shuffle" && !shuffled) return false;
    if (m != "cache" && m != "prefetch" && m != "shuffle") return false;
    // Their arguments: sizes, a cache file name, AUTOTUNE; nothing else of the framework.
    const pytorch::ScriptArgs a = pytorch::call_args(chain.calls[i]);
    std::vector<Node> args = a.positional;
    for (const auto& [k, v] : a.keywords) args.push_back(v);
    for (Node arg : args) {
      const std::string aq = qualified(arg, ctx);
      if (aq == "tensorflow.data.AUTOTUNE" || aq == "tensorflow.data.experimental.AUTOTUNE" ||
          autotune_names_.count(std::string(arg.text())))
        continue;
      if (touches_framework(arg, ctx)) return false;
    }
  }
  out.push_back(dropped_step(stmt, ctx,
                             "tf.data cache() / prefetch() only speed the pipeline up, and its "
                             "shuffle() reorders batches already drawn in random order; the "
                             "DataLoader of '" +
                                 targets[0] + "' needs none of them"));
  return true;
}

}  // namespace nnport::readers::keras
