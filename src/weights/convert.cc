// The weight conversion engine: check the whole plan against the checkpoint (headers only),
// then stream tensor by tensor into the sink.
#include "weights/convert.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "weights/checkpoint_reader.h"
#include "weights/combine.h"
#include "weights/layout_map.h"
#include "weights/tensor.h"

namespace nnport::weights {
namespace {

// Stored dtypes a parameter accepts: any floating dtype for a floating parameter, otherwise
// exactly the parameter's dtype, or a floating one for an int64 counter (Keras Normalization's
// count) written by a tool without int64 (TensorFlow.js); its values are kept as stored.
bool dtype_fits(pivot::DType stored, pivot::DType wanted) {
  if (pivot::is_floating(wanted)) return pivot::is_floating(stored);
  if (wanted == pivot::DType::Int64 && pivot::is_floating(stored)) return true;
  return stored == wanted;
}

// Drops the process's mapping of input pages already converted: the page cache keeps them, but
// they no longer count against the process, so resident memory stays bounded by a band of input
// however large the checkpoint. Harmless for pages shared with a neighbour: they fault back in.
// Only pages of the checkpoint's read-only file mapping are dropped: on decoded tensors (heap
// buffers) MADV_DONTNEED would zero the memory instead.
class PageReleaser {
 public:
  explicit PageReleaser(std::span<const std::byte> mapping) : mapping_(mapping) {}

  void operator()(std::span<const std::byte> bytes) const {
    if (bytes.empty() || bytes.data() < mapping_.data() ||
        bytes.data() + bytes.size() > mapping_.data() + mapping_.size())
      return;
    static const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    const uintptr_t begin = reinterpret_cast<uintptr_t>(bytes.data()) & ~(page - 1);
    const uintptr_t end = reinterpret_cast<uintptr_t>(bytes.data() + bytes.size());
    ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
  }

 private:
  std::span<const std::byte> mapping_;
};

// One stored tensor on its way to the target layout.
struct Part {
  std::string key;
  pivot::DType source_dtype;
  LayoutMap map;
};

struct PreparedSlot {
  const pivot::WeightSlot* slot;
  pivot::DType target_dtype;
  std::vector<Part> parts;  // more than one: combined (slot.combine_with)
};

class Engine {
 public:
  Engine(const pivot::Graph& graph, const std::string& input_path, const WeightSink& sink,
         DiagnosticEngine& diags)
      : graph_(graph), input_path_(input_path), sink_(sink), diags_(diags) {}

  Checkpoint checkpoint;

  // Checks every slot and every stored tensor; reports each problem. True when all fit.
  bool plan(const pivot::WeightPlan& plan, std::vector<PreparedSlot>& out) {
    std::set<std::string> targets;
    for (const auto& slot : plan.slots) {
      std::vector<pivot::ParamId> ids{slot.param};
      ids.insert(ids.end(), slot.combine_with.begin(), slot.combine_with.end());
      PreparedSlot prepared{&slot, pivot::DType::Float32, {}};
      for (pivot::ParamId id : ids)
        if (auto part = prepare(slot, id)) prepared.parts.push_back(std::move(*part));
      if (prepared.parts.size() != ids.size()) continue;
      if (!targets.insert(slot.target_name).second) {
        mismatch() << fmt::format("internal: two parameters are planned for '{}'",
                                  slot.target_name);
        continue;
      }
      prepared.target_dtype = *sink_.stored_dtype(prepared.parts[0].source_dtype);
      out.push_back(std::move(prepared));
    }
    report_unused();
    return !failed_;
  }

 private:
  SourceLocation where() const { return SourceLocation{input_path_, 0, 0}; }

  InFlightDiagnostic mismatch() {
    failed_ = true;
    return diags_.error(Code::WeightsMismatch, where());
  }

  std::optional<Part> prepare(const pivot::WeightSlot& slot, pivot::ParamId id) {
    if (id >= graph_.params.size()) {
      mismatch() << fmt::format(
          "internal: weight '{}' refers to parameter #{} which the model does not have",
          slot.target_name, id);
      return std::nullopt;
    }
    const pivot::Param& param = graph_.params[id];
    auto expected = stored_shape(param);
    if (!expected) {
      mismatch() << fmt::format("internal: parameter '{}' has an invalid source permutation",
                                param.name);
      return std::nullopt;
    }
    auto key = find_checkpoint_key(checkpoint, param);
    if (!key) {
      std::string also;
      for (const auto& alias : param.aliases)
        also += (also.empty() ? " (nor under '" : "', '") + alias;
      if (!also.empty()) also += "')";
      mismatch() << fmt::format("tensor '{}' of shape {} is missing from the weights file{}",
                                param.name, pivot::shape_to_string(*expected), also);
      return std::nullopt;
    }
    used_keys_.insert(*key);
    const TensorView& stored = checkpoint.tensors.at(*key);
    if (stored.shape != *expected) {
      mismatch() << fmt::format(
          "tensor '{}' has shape {} in the weights file but the model expects {}", *key,
          pivot::shape_to_string(stored.shape), pivot::shape_to_string(*expected));
      return std::nullopt;
    }
    if (!dtype_fits(stored.dtype, param.dtype)) {
      mismatch() << fmt::format("tensor '{}' is {} in the weights file but the model expects {}",
                                *key, pivot::dtype_name(stored.dtype),
                                pivot::dtype_name(param.dtype));
      return std::nullopt;
    }
    auto target = sink_.stored_dtype(stored.dtype);
    if (!target) {
      mismatch() << fmt::format("tensor '{}' is {}, which the target weights file cannot hold",
                                *key, pivot::dtype_name(stored.dtype));
      return std::nullopt;
    }

    // Stored -> canonical (slice, source_perm) -> recorded transforms -> target layout.
    std::string error;
    LayoutMap map(stored, error);
    bool ok = error.empty();
    if (ok && param.source_slice)
      ok = map.slice(param.source_slice->axis, param.source_slice->start,
                     param.source_slice->length, error);
    if (ok && !param.stored_shape.empty()) {
      auto unpermuted = unpermuted_shape(param);
      ok = unpermuted && map.reshape(*unpermuted, error);
      if (!unpermuted) error = "inconsistent source permutation";
    }
    ok = ok && map.permute(param.source_perm, error);
    for (const auto& transform : param.transforms) ok = ok && map.transform(transform, error);
    ok = ok && map.reorder_blocks(param.block_order, error);
    ok = ok && map.reorder_blocks(slot.block_order, error);
    ok = ok && map.permute(slot.perm, error);
    // A combined slot is reshaped once its parts are combined (write_combined).
    if (ok && !slot.shape.empty() && slot.combine_with.empty()) ok = map.reshape(slot.shape, error);
    if (!ok) {
      mismatch() << fmt::format("internal: cannot bring tensor '{}' to the layout of '{}': {}",
                                *key, slot.target_name, error);
      return std::nullopt;
    }
    if (*target != stored.dtype) warn_about_precision(*key, map);
    return Part{*key, stored.dtype, std::move(map)};
  }

  // float64 -> float32 may round: count the values that change, before anything is written.
  void warn_about_precision(const std::string& key, const LayoutMap& map) {
    if (map.dtype() != pivot::DType::Float64) return;  // float16 / bfloat16 widen exactly
    uint64_t changed = 0;
    std::vector<std::byte> wide;
    std::vector<std::byte> narrow;
    const PageReleaser release(checkpoint.mapping.bytes());
    for (const auto& piece : map.pieces(uint64_t{4} << 20)) {
      wide.resize(piece.bytes);
      narrow.resize(piece.bytes / 2);
      map.gather(piece, wide.data(), release);
      uint64_t piece_changed = 0;
      convert_to_float32(map.dtype(), wide, narrow.data(), piece_changed);
      changed += piece_changed;
    }
    if (changed > 0)
      diags_.warning(Code::WeightsPrecision, where())
          << fmt::format("tensor '{}' is {}; converting it to float32 changes {} of its {} values",
                         key, pivot::dtype_name(map.dtype()), changed, map.element_count());
  }

  // Every stored tensor must be used, except buffers that hold no inference state.
  void report_unused() {
    for (const auto& [key, view] : checkpoint.tensors) {
      if (used_keys_.count(key) != 0 || is_training_only_key(key)) continue;
      mismatch() << fmt::format(
          "tensor '{}' of shape {} in the weights file is not used by any parameter of "
          "the model",
          key, pivot::shape_to_string(view.shape));
    }
  }

  const pivot::Graph& graph_;
  const std::string& input_path_;
  const WeightSink& sink_;
  DiagnosticEngine& diags_;
  std::set<std::string> used_keys_;
  bool failed_ = false;
};

// Streams one stored tensor into the sink, piece by piece in output order, converting the
// dtype on the way.
std::string write_single(const PreparedSlot& prepared, const PageReleaser& release,
                         uint64_t piece_bytes, WeightSink& sink) {
  const Part& part = prepared.parts[0];
  const auto pieces = part.map.pieces(piece_bytes);
  const size_t source_size = pivot::dtype_size(part.source_dtype);
  const size_t target_size = pivot::dtype_size(prepared.target_dtype);
  const bool convert = part.source_dtype != prepared.target_dtype;
  TensorSource source;
  source.dtype = prepared.target_dtype;
  source.shape = part.map.shape();
  for (const auto& piece : pieces)
    source.boxes.push_back({piece.start, piece.count, piece.bytes / source_size * target_size});
  std::vector<std::byte> scratch;
  source.fill = [&](size_t i, std::byte* out) {
    if (!convert) return part.map.gather(pieces[i], out, release);
    scratch.resize(pieces[i].bytes);
    part.map.gather(pieces[i], scratch.data(), release);
    uint64_t ignored = 0;  // counted and reported while planning
    convert_to_float32(part.source_dtype, scratch, out, ignored);
  };
  return sink.add(prepared.slot->target_name, source);
}

// A tensor the source does not have (see WeightSlot::zeros); small (a recurrent bias).
std::string write_zeros(const PreparedSlot& prepared, WeightSink& sink) {
  const Part& part = prepared.parts[0];
  Tensor tensor;
  tensor.dtype = prepared.target_dtype;
  tensor.shape = part.map.shape();
  tensor.bytes.assign(part.map.element_count() * pivot::dtype_size(tensor.dtype), std::byte{0});
  return sink.add_view(prepared.slot->target_name, tensor.view());
}

// Small tensors combined into one (recurrent biases): assembled in memory.
std::string write_combined(const PreparedSlot& prepared, WeightSink& sink) {
  std::vector<Tensor> tensors;
  for (const auto& part : prepared.parts) {
    Tensor tensor = part.map.materialize();
    if (part.source_dtype != prepared.target_dtype) {
      uint64_t ignored = 0;
      auto narrowed = to_float32(tensor.view(), ignored);
      if (!narrowed)
        return fmt::format("internal: cannot convert tensor '{}' to float32", part.key);
      tensor = std::move(*narrowed);
    }
    tensors.push_back(std::move(tensor));
  }
  std::string error;
  auto combined = combine_tensors(tensors, prepared.slot->combine, error);
  if (!combined)
    return fmt::format("internal: cannot combine the tensors of '{}': {}",
                       prepared.slot->target_name, error);
  if (const auto& shape = prepared.slot->shape; !shape.empty()) {
    if (element_count(shape) != element_count(combined->shape))
      return fmt::format("internal: cannot reshape the combined '{}' from {} to {}",
                         prepared.slot->target_name, pivot::shape_to_string(combined->shape),
                         pivot::shape_to_string(shape));
    combined->shape = shape;  // row-major: the bytes stay as they are
  }
  return sink.add_view(prepared.slot->target_name, combined->view());
}

}  // namespace

std::optional<std::string> find_checkpoint_key(const Checkpoint& checkpoint,
                                               const pivot::Param& param) {
  // A key of `tensors`, or an alias the reader recorded for one (legacy Keras order keys).
  auto resolve = [&](const std::string& name) -> std::optional<std::string> {
    if (checkpoint.tensors.count(name) != 0) return name;
    if (auto alias = checkpoint.aliases.find(name); alias != checkpoint.aliases.end())
      if (checkpoint.tensors.count(alias->second) != 0) return alias->second;
    return std::nullopt;
  };
  auto look = [&](const std::string& name) -> std::optional<std::string> {
    if (auto key = resolve(name)) return key;
    return resolve("module." + name);
  };
  if (auto key = look(param.name)) return key;
  for (const auto& alias : param.aliases)
    if (auto key = look(alias)) return key;
  return std::nullopt;
}

std::optional<std::vector<int64_t>> unpermuted_shape(const pivot::Param& param) {
  // canonical = source.permute(source_perm), so canonical[i] = source[source_perm[i]].
  std::vector<int64_t> shape = param.shape;
  if (!param.source_perm.empty()) {
    if (param.source_perm.size() != param.shape.size()) return std::nullopt;
    shape.assign(param.shape.size(), -1);
    for (size_t i = 0; i < param.shape.size(); ++i) {
      const int64_t axis = param.source_perm[i];
      if (axis < 0 || static_cast<size_t>(axis) >= shape.size() ||
          shape[static_cast<size_t>(axis)] != -1)
        return std::nullopt;
      shape[static_cast<size_t>(axis)] = param.shape[i];
    }
  }
  return shape;
}

std::optional<std::vector<int64_t>> stored_shape(const pivot::Param& param) {
  if (!param.stored_shape.empty()) return param.stored_shape;
  auto shape = unpermuted_shape(param);
  if (shape && param.source_slice) {
    // The stored tensor holds this parameter as one block of a larger axis.
    auto axis = pivot::normalize_axis(param.source_slice->axis, shape->size());
    if (!axis) return std::nullopt;
    (*shape)[*axis] = param.source_slice->extent;
  }
  return shape;
}

void report_checkpoint_notes(const Checkpoint& checkpoint, const std::string& path,
                             DiagnosticEngine& diags) {
  for (const auto& note : checkpoint.notes)
    diags.note(Code::WeightsReadNote, SourceLocation{path, 0, 0}) << note;
}

bool is_training_only_key(const std::string& key) {
  return key.ends_with("num_batches_tracked");  // BatchNorm step counter
}

bool convert_weights(const pivot::Graph& graph, const pivot::WeightPlan& plan,
                     const std::string& input_path, WeightSink& sink,
                     const std::string& output_path, DiagnosticEngine& diags,
                     const ConvertOptions& options) {
  std::error_code ignored;
  if (!std::filesystem::exists(input_path, ignored)) {
    diags.error(Code::FileNotFound, SourceLocation{input_path, 0, 0}) << "weights file not found";
    return false;
  }
  Engine engine(graph, input_path, sink, diags);
  // Tells a reader which of several stored dicts (model, EMA copy, optimizer) is the model.
  CheckpointReadOptions read_options;
  for (const auto& param : graph.params) {
    read_options.expected_names.push_back(param.name);
    read_options.expected_names.insert(read_options.expected_names.end(), param.aliases.begin(),
                                       param.aliases.end());
  }
  if (auto error = read_checkpoint(input_path, engine.checkpoint, read_options); !error.empty()) {
    diags.error(Code::WeightsUnreadable, SourceLocation{input_path, 0, 0}) << error;
    return false;
  }
  report_checkpoint_notes(engine.checkpoint, input_path, diags);
  std::vector<PreparedSlot> slots;
  if (!engine.plan(plan, slots)) return false;

  // Written to a temporary sibling and renamed into place, so no half-written file appears.
  auto fail = [&](const std::string& error) {
    sink.abort();
    diags.error(Code::OutputNotWritable, SourceLocation{output_path, 0, 0}) << error;
    return false;
  };
  if (auto error = sink.open(); !error.empty()) return fail(error);
  const PageReleaser release(engine.checkpoint.mapping.bytes());
  const uint64_t piece_bytes = std::max<uint64_t>(1, options.piece_bytes);
  for (const auto& prepared : slots) {
    auto error = prepared.slot->zeros         ? write_zeros(prepared, sink)
                 : prepared.parts.size() == 1 ? write_single(prepared, release, piece_bytes, sink)
                                              : write_combined(prepared, sink);
    if (!error.empty()) return fail(error);
  }
  for (const auto& group : plan.empty_groups)
    if (auto error = sink.add_empty_group(group); !error.empty()) return fail(error);
  if (auto error = sink.commit(); !error.empty()) return fail(error);
  return true;
}

bool convert_to_keras_h5(const pivot::Graph& graph, const pivot::WeightPlan& plan,
                         const std::string& input_path, const std::string& output_path,
                         DiagnosticEngine& diags, const ConvertOptions& options) {
  auto sink = make_keras_h5_sink(output_path);
  return convert_weights(graph, plan, input_path, *sink, output_path, diags, options);
}

bool convert_to_torch_pt(const pivot::Graph& graph, const pivot::WeightPlan& plan,
                         const std::string& input_path, const std::string& output_path,
                         DiagnosticEngine& diags, const ConvertOptions& options) {
  auto sink = make_torch_pt_sink(output_path);
  return convert_weights(graph, plan, input_path, *sink, output_path, diags, options);
}

}  // namespace nnport::weights
