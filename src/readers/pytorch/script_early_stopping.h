// Early stopping written in a PyTorch epoch loop:
//
//     if val_loss < best - min_delta:          # or `val_loss < best`
//         best = val_loss
//         bad_epochs = 0
//         torch.save(model.state_dict(), PATH)  # optional: keep the best weights
//     else:
//         bad_epochs += 1
//         if bad_epochs >= PATIENCE:
//             print(...)                         # optional
//             break
//
// is Keras' EarlyStopping(monitor="val_loss", min_delta, patience, mode="min") (the same
// improvement test and counter), with ModelCheckpoint(save_best_only=True) for the save.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>

#include "pivot/training.h"
#include "syntax/tree.h"

namespace nnport::readers::pytorch {

struct EarlyStopping {
  std::string monitored;  // the validation-loss variable compared
  pivot::SetupValue min_delta, patience;
  pivot::SetupValue save_path;  // unset: the best weights are not saved
};

// `validation_losses`: the variables holding the epoch's validation loss; `save`: is this
// expression statement `torch.save(<model>.state_dict(), PATH)`? (returns PATH's node).
std::optional<EarlyStopping> match_early_stopping(
    syntax::Node if_stmt, const std::set<std::string>& validation_losses,
    const std::function<syntax::Node(syntax::Node)>& saved_path);

}  // namespace nnport::readers::pytorch
