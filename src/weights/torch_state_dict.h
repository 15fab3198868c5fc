// Finds the state_dict inside an unpickled `torch.save` object. Training scripts save either
// the state_dict itself or a dict around it ({"model": sd, "optimizer": ..., "epoch": 3}); this
// picks the dict of tensors the user means and explains the choice in notes.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "weights/pickle_machine.h"

namespace nnport::weights {

struct StateDict {
  std::map<std::string, const pickle::Value*>
      tensors;                     // name (DataParallel prefix removed) -> Tensor value
  std::vector<std::string> notes;  // which dict was used, what was ignored
};

// Candidates are dicts with string keys and at least one tensor value, anywhere in `root`
// (bounded depth, each value visited once). The chosen one matches most `expected_names`
// (state_dict names the model needs, with or without "module."); ties go to well-known keys
// ("state_dict", "model_state_dict", "model", ...), then the root, then the larger dict.
// nullopt with `error` when `root` holds no tensors at all.
std::optional<StateDict> find_state_dict(const pickle::Value& root,
                                         std::span<const std::string> expected_names,
                                         std::string& error);

}  // namespace nnport::weights
