// Weight conversion PyTorch checkpoint -> Keras 3 `.weights.h5`: executes a WeightPlan.
#include "weights/convert.h"

#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "support/atomic_file.h"
#include "weights/checkpoint_reader.h"
#include "weights/combine.h"
#include "weights/keras_h5_writer.h"
#include "weights/tensor.h"

namespace nnport::weights {
namespace {

// The shape the source framework stores: canonical = source.permute(source_perm), so
// canonical[i] = source[source_perm[i]]. nullopt when source_perm is not a permutation.
std::optional<std::vector<int64_t>> source_shape(const pivot::Param& param) {
  if (param.source_perm.empty()) return param.shape;
  if (param.source_perm.size() != param.shape.size()) return std::nullopt;
  std::vector<int64_t> shape(param.shape.size(), -1);
  for (size_t i = 0; i < param.shape.size(); ++i) {
    int64_t axis = param.source_perm[i];
    if (axis < 0 || static_cast<size_t>(axis) >= shape.size() || shape[static_cast<size_t>(axis)] != -1)
      return std::nullopt;
    shape[static_cast<size_t>(axis)] = param.shape[i];
  }
  return shape;
}

// Stored dtypes a parameter accepts: any floating dtype for a floating parameter (written as
// float32, what Keras variables hold), otherwise exactly the parameter's dtype.
bool dtype_fits(pivot::DType stored, pivot::DType wanted) {
  if (pivot::is_floating(wanted)) return pivot::is_floating(stored);
  return stored == wanted;
}

struct Converter {
  const pivot::Graph& graph;
  const std::string& input_path;
  DiagnosticEngine& diags;
  Checkpoint checkpoint;
  std::set<std::string> used_keys;
  bool failed = false;

  SourceLocation where() const { return SourceLocation{input_path, 0, 0}; }

  InFlightDiagnostic mismatch() {
    failed = true;
    return diags.error(Code::WeightsMismatch, where());
  }

  // DataParallel saves every key with a "module." prefix; accept both spellings.
  const std::pair<const std::string, TensorView>* find(const std::string& name) const {
    auto it = checkpoint.tensors.find(name);
    if (it == checkpoint.tensors.end()) it = checkpoint.tensors.find("module." + name);
    return it == checkpoint.tensors.end() ? nullptr : &*it;
  }

  // Stored tensor -> canonical layout -> recorded transforms -> target layout -> target dtype.
  std::optional<Tensor> prepare(const pivot::WeightSlot& slot) {
    if (slot.param >= graph.params.size()) {
      mismatch() << fmt::format("internal: weight '{}' refers to parameter #{} which the model does not have",
                                slot.target_name, slot.param);
      return std::nullopt;
    }
    const pivot::Param& param = graph.params[slot.param];
    const auto* entry = find(param.name);
    auto expected = source_shape(param);
    if (expected && param.source_slice) {
      // The stored tensor holds this parameter as one block of a larger axis.
      auto axis = pivot::normalize_axis(param.source_slice->axis, expected->size());
      if (axis) (*expected)[*axis] = param.source_slice->extent;
      else expected.reset();
    }
    if (!expected) {
      mismatch() << fmt::format("internal: parameter '{}' has an invalid source permutation", param.name);
      return std::nullopt;
    }
    if (entry == nullptr) {
      mismatch() << fmt::format("tensor '{}' of shape {} is missing from the weights file", param.name,
                                pivot::shape_to_string(*expected));
      return std::nullopt;
    }
    used_keys.insert(entry->first);
    const TensorView& stored = entry->second;
    if (stored.shape != *expected) {
      mismatch() << fmt::format("tensor '{}' has shape {} in the weights file but the model expects {}",
                                entry->first, pivot::shape_to_string(stored.shape),
                                pivot::shape_to_string(*expected));
      return std::nullopt;
    }
    if (!dtype_fits(stored.dtype, param.dtype)) {
      mismatch() << fmt::format("tensor '{}' is {} in the weights file but the model expects {}", entry->first,
                                pivot::dtype_name(stored.dtype), pivot::dtype_name(param.dtype));
      return std::nullopt;
    }

    if (param.dtype == pivot::DType::Bool) {
      // Keras has no boolean variables; no PyTorch layer stores one as a parameter either.
      mismatch() << fmt::format("tensor '{}' is a boolean parameter, which Keras weights cannot hold",
                                entry->first);
      return std::nullopt;
    }
    std::string error;
    std::optional<Tensor> block;
    if (param.source_slice)
      block = slice_axis(stored, param.source_slice->axis, param.source_slice->start,
                         param.source_slice->length, error);
    auto tensor = param.source_slice ? (block ? permute_axes(block->view(), param.source_perm, error)
                                              : std::nullopt)
                                     : permute_axes(stored, param.source_perm, error);
    for (const auto& transform : param.transforms) {
      if (!tensor) break;
      tensor = apply_transform(tensor->view(), transform, error);
    }
    if (tensor && !slot.block_order.empty()) tensor = reorder_blocks(*tensor, slot.block_order, error);
    if (tensor) tensor = permute_axes(tensor->view(), slot.perm, error);
    if (tensor && !slot.shape.empty()) {
      // A row-major reshape keeps the bytes; only the element count must agree.
      if (element_count(slot.shape) == element_count(tensor->shape)) tensor->shape = slot.shape;
      else {
        error = "cannot reshape " + pivot::shape_to_string(tensor->shape) + " to " +
                pivot::shape_to_string(slot.shape);
        tensor.reset();
      }
    }
    if (!tensor) {
      mismatch() << fmt::format("internal: cannot bring tensor '{}' to the layout of '{}': {}", entry->first,
                                slot.target_name, error);
      return std::nullopt;
    }
    if (!pivot::is_floating(tensor->dtype)) return tensor;

    uint64_t changed = 0;
    auto narrowed = to_float32(tensor->view(), changed);
    if (changed > 0)
      diags.warning(Code::WeightsPrecision, where())
          << fmt::format("tensor '{}' is {}; converting it to float32 changes {} of its {} values", entry->first,
                         pivot::dtype_name(stored.dtype), changed, tensor->bytes.size() / pivot::dtype_size(tensor->dtype));
    return narrowed;
  }

  // Every stored tensor must be used, except buffers that hold no inference state.
  void report_unused() {
    for (const auto& [key, view] : checkpoint.tensors) {
      if (used_keys.count(key) != 0) continue;
      if (key.ends_with("num_batches_tracked")) continue; // BatchNorm step counter, training only
      mismatch() << fmt::format("tensor '{}' of shape {} in the weights file is not used by any parameter of "
                                "the model",
                                key, pivot::shape_to_string(view.shape));
    }
  }
};

} // namespace

bool convert_to_keras_h5(const pivot::Graph& graph, const pivot::WeightPlan& plan, const std::string& input_path,
                         const std::string& output_path, DiagnosticEngine& diags) {
  std::error_code ignored;
  if (!std::filesystem::exists(input_path, ignored)) {
    diags.error(Code::FileNotFound, SourceLocation{input_path, 0, 0}) << "weights file not found";
    return false;
  }
  Converter converter{graph, input_path, diags, {}, {}, false};
  if (auto error = read_checkpoint(input_path, converter.checkpoint); !error.empty()) {
    diags.error(Code::WeightsUnreadable, converter.where()) << error;
    return false;
  }

  std::vector<H5Dataset> datasets;
  std::set<std::string> targets;
  for (const auto& slot : plan.slots) {
    auto tensor = converter.prepare(slot);
    if (!tensor) continue;
    if (!slot.combine_with.empty()) {
      // Each further parameter goes through the same steps, then the tensors are combined.
      std::vector<Tensor> parts{std::move(*tensor)};
      for (pivot::ParamId other : slot.combine_with) {
        pivot::WeightSlot single = slot;
        single.param = other;
        single.combine_with.clear();
        if (auto part = converter.prepare(single)) parts.push_back(std::move(*part));
      }
      if (parts.size() != slot.combine_with.size() + 1) continue;
      std::string error;
      tensor = combine_tensors(parts, slot.combine, error);
      if (!tensor) {
        converter.mismatch() << fmt::format("internal: cannot combine the tensors of '{}': {}", slot.target_name, error);
        continue;
      }
    }
    if (!targets.insert(slot.target_name).second) {
      converter.mismatch() << fmt::format("internal: two parameters are planned for '{}'", slot.target_name);
      continue;
    }
    datasets.push_back({slot.target_name, std::move(*tensor)});
  }
  converter.report_unused();
  if (converter.failed) return false;

  // Written next to the destination and renamed into place, so no half-written file appears.
  TemporarySibling temporary(output_path);
  SourceLocation output_location{output_path, 0, 0};
  if (auto error = write_keras_weights_h5(temporary.path().string(), datasets, plan.empty_groups);
      !error.empty()) {
    diags.error(Code::OutputNotWritable, output_location) << error;
    return false;
  }
  if (auto error = temporary.commit(); !error.empty()) {
    diags.error(Code::OutputNotWritable, output_location) << error;
    return false;
  }
  return true;
}

} // namespace nnport::weights
