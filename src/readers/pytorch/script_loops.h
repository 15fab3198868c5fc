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
  // `xb = xb.view(-1, 28 * 28)`: the batch's features flattened per sample in the loop. Also in
  // `unknown` until a caller flattens the dataset itself (flatten_features).
  std::vector<syntax::Node> feature_flattens;
  std::vector<syntax::Node> progress_reports;  // `if i % k == 0: print(...)` inside the loop
  // `if args.dry_run: break` inside a progress report: the loop ends early on a flag (Keras fit
  // runs whole epochs).
  std::vector<syntax::Node> early_breaks;
  // The first loss computed by a torch.nn.functional call (`F.nll_loss(output, target)`) rather
  // than a loss object; null otherwise.
  syntax::Node functional_loss;
  // The model call's input and the loss call's target as written (`model(xb)`, `loss_fn(out,
  // yb)`): what a loop without a loader trains on.
  syntax::Node model_input, loss_target;
  std::set<std::string> loss_tensors;  // names bound to the step's loss
};

// A loop over the batches of arrays sliced by hand (`for i in range((n - 1) // bs + 1): xb =
// x_train[i * bs:i * bs + bs]`): its step, the arrays the model input and the loss target are
// sliced from, and the batch size.
struct ManualBatches {
  BatchLoop step;
  syntax::Node features, labels, batch_size;
};
std::optional<ManualBatches> analyze_manual_batches(syntax::Node loop, const LoopNames& names);

// nullopt when `loop` is not a batch loop over a known loader (or `loader_params` name).
std::optional<BatchLoop> analyze_batch_loop(syntax::Node loop, const LoopNames& names,
                                            const std::set<std::string>& loader_params);

// The statements of one training (or evaluation) step, without the loop around them: `batch`
// names the batch tensors and `labels` the targets among them. A loop over a loader, over the
// batches of arrays sliced by hand or the full-batch loop (`for t in range(T): out =
// model(x)`) all read their step with it.
std::optional<BatchLoop> analyze_step_statements(syntax::Node loop,
                                                 const std::vector<syntax::Node>& stmts,
                                                 const LoopNames& names,
                                                 std::set<std::string> batch,
                                                 std::set<std::string> labels);

// A call of a torch.nn.functional loss (`F.mse_loss(out, y)`): its function's last name is one
// of the table's functional losses. The recogniser checks the qualified name.
bool is_functional_loss_call(syntax::Node expr);

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
