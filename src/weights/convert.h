// Trained-weight conversion: read the source checkpoint, map tensors to pivot parameters by
// name (then aliases), check every tensor before anything is written, then stream each one
// through its layout steps (canonical layout, recorded transforms, target layout) into a
// WeightSink, which writes the target file atomically.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pivot/graph.h"
#include "pivot/weight_plan.h"
#include "support/diagnostics.h"
#include "weights/checkpoint.h"
#include "weights/weight_sink.h"

namespace nnport::weights {

struct ConvertOptions {
  // Output piece size: each piece is one contiguous range of the target tensor, gathered into
  // one buffer and written at once. Large enough that writes are few, and that a transposed
  // tensor, whose every piece maps every input row again (and whose input bands are released
  // as they are read), is mapped few times: page mapping and unmapping were a fifth of the CPU
  // time of the benchmark's checkpoint at 32 MB, half that at 64 MB. Small enough that peak RSS
  // stays near 110 MB. Tests lower it to stream small tensors in many pieces.
  uint64_t piece_bytes = uint64_t{64} << 20;
};

// The engine: executes `plan` (made for `graph`) on the checkpoint at `input_path` into `sink`.
// Every missing, extra, misshapen or ill-typed tensor is reported (weights-mismatch, all of
// them, at the input file); the sink is opened only when there is none. `output_path` is where
// write failures are reported. Returns false after reporting diagnostics; then no output exists.
bool convert_weights(const pivot::Graph& graph, const pivot::WeightPlan& plan,
                     const std::string& input_path, WeightSink& sink,
                     const std::string& output_path, DiagnosticEngine& diags,
                     const ConvertOptions& options = {});

// PyTorch checkpoint (.safetensors, .pt/.pth) -> Keras 3 `.weights.h5`.
bool convert_to_keras_h5(const pivot::Graph& graph, const pivot::WeightPlan& plan,
                         const std::string& input_path, const std::string& output_path,
                         DiagnosticEngine& diags, const ConvertOptions& options = {});

// Checkpoint -> PyTorch state_dict `.pt` (torch.save format), dtypes kept.
bool convert_to_torch_pt(const pivot::Graph& graph, const pivot::WeightPlan& plan,
                         const std::string& input_path, const std::string& output_path,
                         DiagnosticEngine& diags, const ConvertOptions& options = {});

// The checkpoint key that holds `param`: its name, then its aliases, each also with the
// "module." prefix DataParallel saves. nullopt when none is present.
std::optional<std::string> find_checkpoint_key(const Checkpoint& checkpoint,
                                               const pivot::Param& param);

// The shape the checkpoint must hold for `param` (before source_slice and source_perm); nullopt
// when the parameter's recorded layout is inconsistent.
std::optional<std::vector<int64_t>> stored_shape(const pivot::Param& param);
// The canonical shape before source_perm (what a Param::stored_shape is reshaped to).
std::optional<std::vector<int64_t>> unpermuted_shape(const pivot::Param& param);

// Reports what the reader chose or skipped (Checkpoint::notes: the stored dict used, a removed
// "module." prefix, entries that are not tensors) as weights-read-note diagnostics at `path`,
// so that a tensor taken from an unexpected place is never a silent choice.
void report_checkpoint_notes(const Checkpoint& checkpoint, const std::string& path,
                             DiagnosticEngine& diags);

// Checkpoint keys that hold no inference state and are never reported as unused.
bool is_training_only_key(const std::string& key);

}  // namespace nnport::weights
