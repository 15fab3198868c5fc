// The explicit loops of a PyTorch training script: the batch loop (`for xb, yb in loader:` with
// zero_grad / forward / loss / backward / step, or the same without backward under
// torch.no_grad() for evaluation) and the epoch loop around it. The analysis says which loader a
// loop iterates, whether it trains, which of its statements are the bookkeeping Keras' fit and
// evaluate do themselves (running loss, accuracy counts) and which statements it does not
// understand.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "pivot/training.h"
#include "syntax/tree.h"

namespace nnport::readers::pytorch {

// The variables the loop analysis must know: what the script bound them to.
struct LoopNames {
  std::set<std::string> models, optimizers, losses, schedules, loaders, devices;
};

struct BatchLoop {
  syntax::Node loop;
  std::string loader;     // the iterated variable (a loader, or a helper's parameter)
  bool trains = false;    // loss.backward() and optimizer.step()
  bool accuracy = false;  // compares predictions with the labels
  bool clip = false;      // clip_grad_norm_(model.parameters(), max_norm)
  pivot::SetupValue clip_norm;
  bool clip_by_value = false;
  std::vector<std::string> batch_schedules;        // scheduler.step() per batch
  std::vector<pivot::ResultBinding> accumulators;  // running sums and counts
  std::set<std::string> locals;                    // names bound inside the loop
  std::vector<syntax::Node> unknown;               // statements not understood
  std::vector<syntax::Node> progress_reports;      // `if i % k == 0: print(...)` inside the loop
};

// nullopt when `loop` is not a batch loop over a known loader (or `loader_params` name).
std::optional<BatchLoop> analyze_batch_loop(syntax::Node loop, const LoopNames& names,
                                            const std::set<std::string>& loader_params);

// Does `stmts` (recursively) hold a batch loop that trains? Used to find the epoch loop and
// the helper functions.
bool has_training_step(syntax::Node node, const LoopNames& names);

// The epoch loop of a helper function that runs the whole training: its body holds
// `for epoch in range(...)` around the only other loop, a batch loop that trains, and besides it
// only mode switches, comments and a docstring. Null otherwise.
syntax::Node fit_helper_epoch_loop(syntax::Node def, const LoopNames& names);

// Is `node` a call `torch.no_grad()` / `torch.inference_mode()` context?
bool is_no_grad_with(syntax::Node with_stmt);

}  // namespace nnport::readers::pytorch
