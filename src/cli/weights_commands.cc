// The weights commands: model source -> passes -> writer (for its weight plan only) -> the
// conversion engine; and the checkpoint listing.
#include "cli/weights_commands.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cli/command_outcome.h"
#include "cli/model_loading.h"
#include "passes/inline_calls.h"
#include "passes/pipeline.h"
#include "report/report.h"
#include "weights/checkpoint_reader.h"
#include "weights/convert.h"
#include "writers/keras/writer.h"
#include "writers/pytorch/writer.h"

namespace nnport::cli {
namespace {

namespace fs = std::filesystem;

// The target writer's weight plan for `model`, after the passes migrate runs for that target.
std::optional<pivot::WeightPlan> weight_plan(pivot::Model& model, const std::string& to,
                                             const std::string& source, DiagnosticEngine& diags) {
  if (to == "keras") {
    if (!passes::prepare_for_channels_last(model, diags)) return std::nullopt;
    writers::keras::WriteOptions write;
    write.source_name = fs::path(source).filename().string();
    auto output = writers::keras::write_keras(model, write, diags);
    if (!output) return std::nullopt;
    return std::move(output->weights);
  }
  if (!passes::prepare_for_channels_first(model, diags)) return std::nullopt;
  writers::pytorch::WriteOptions write;
  write.source_name = fs::path(source).filename().string();
  auto output = writers::pytorch::write_pytorch(model, write, diags);
  if (!output) return std::nullopt;
  return std::move(output->weights);
}

ExitStatus finish_convert(report::Report& rep, const ConvertWeightsOptions& o, ExitStatus status,
                          DiagnosticEngine& diags) {
  return finish_report(rep, o.report, status, diags);
}

ExitStatus convert_unguarded(const ConvertWeightsOptions& o, report::Report& rep,
                             DiagnosticEngine& diags) {
  rep.source = o.model;
  rep.target_framework = o.to;
  rep.weights_input = o.weights;
  if (!check_framework_options(o.to, o.from, diags))
    return finish_convert(rep, o, ExitStatus::Usage, diags);
  std::error_code ec;
  if (fs::exists(o.output, ec) && fs::equivalent(o.output, o.weights, ec)) {
    diags.error(Code::UsageError, cli_location())
        << "the output " << o.output << " would overwrite the input";
    return finish_convert(rep, o, ExitStatus::Usage, diags);
  }
  readers::ReadOptions read;
  read.class_name = o.class_name;
  if (!parse_inputs(o.input_shapes, o.input_dtypes, read, diags))
    return finish_convert(rep, o, ExitStatus::Usage, diags);

  std::string framework;
  auto model = read_model(o.model, o.from, read, framework, diags);
  rep.source_framework = framework;
  if (framework == o.to) {
    diags.error(Code::UsageError, cli_location())
        << "source and target framework are both " << o.to;
    return finish_convert(rep, o, ExitStatus::Usage, diags);
  }
  if (!model) return finish_convert(rep, o, ExitStatus::Failed, diags);
  rep.entry_name = model->entry_module().name;
  rep.entry_kind = model->entry_kind;
  auto plan = weight_plan(*model, o.to, o.model, diags);
  if (!plan) return finish_convert(rep, o, ExitStatus::Failed, diags);
  report::describe_ports(*model, rep);

  const auto& graph = model->entry_module().graph;
  const bool converted =
      o.to == "keras" ? weights::convert_to_keras_h5(graph, *plan, o.weights, o.output, diags)
                      : weights::convert_to_torch_pt(graph, *plan, o.weights, o.output, diags);
  if (!converted) return finish_convert(rep, o, ExitStatus::Failed, diags);
  rep.weights_output = o.output;
  return finish_convert(rep, o, ExitStatus::Complete, diags);
}

// The container format, from the first bytes (as the readers decide, never by extension).
std::string detect_format(const std::string& path) {
  char magic[8] = {};
  std::ifstream in(path, std::ios::binary);
  in.read(magic, sizeof magic);
  const std::string head(magic, static_cast<size_t>(in.gcount()));
  if (head.starts_with("PK\x03\x04")) return "pytorch-zip";
  if (head.starts_with("\x89HDF\r\n\x1a\n")) return "hdf5";
  if (!head.empty() && head[0] == '\x80') return "pytorch-legacy-pickle";
  return "safetensors";
}

struct ParamInfo {
  pivot::ParamId id = 0;
  std::string node;
  std::string role;
};

// Which node (and role) owns each parameter; the first user when several share it.
std::map<pivot::ParamId, ParamInfo> parameter_owners(const pivot::Graph& graph) {
  std::map<pivot::ParamId, ParamInfo> owners;
  for (const auto& node : graph.nodes)
    for (const auto& [role, id] : node.params) owners.emplace(id, ParamInfo{id, node.name, role});
  return owners;
}

ExitStatus inspect_weights_unguarded(const InspectWeightsOptions& o, DiagnosticEngine& diags) {
  std::error_code ec;
  if (!fs::is_regular_file(o.file, ec)) {
    diags.error(Code::FileNotFound, SourceLocation{o.file, 0, 0}) << "weights file not found";
    return ExitStatus::Failed;
  }
  std::optional<pivot::Model> model;
  weights::CheckpointReadOptions read_options;
  if (!o.model.empty()) {
    readers::ReadOptions read;
    read.class_name = o.class_name;
    if (!parse_inputs(o.input_shapes, o.input_dtypes, read, diags)) return ExitStatus::Usage;
    std::string framework;
    model = read_model(o.model, o.from, read, framework, diags);
    // Inlining gives every parameter its full checkpoint key ("block1.conv.weight").
    if (!model || !passes::inline_calls(*model, diags)) return ExitStatus::Failed;
    for (const auto& param : model->entry_module().graph.params)
      read_options.expected_names.push_back(param.name);
  }
  weights::Checkpoint checkpoint;
  if (auto error = weights::read_checkpoint(o.file, checkpoint, read_options); !error.empty()) {
    diags.error(Code::WeightsUnreadable, SourceLocation{o.file, 0, 0}) << error;
    return ExitStatus::Failed;
  }
  weights::report_checkpoint_notes(checkpoint, o.file, diags);

  // key -> the parameters it feeds (several when a stored tensor is sliced into parameters).
  std::map<std::string, std::vector<ParamInfo>> fed;
  std::vector<ParamInfo> missing;
  const pivot::Graph* graph = model ? &model->entry_module().graph : nullptr;
  if (graph != nullptr) {
    auto owners = parameter_owners(*graph);
    for (pivot::ParamId id = 0; id < graph->params.size(); ++id) {
      ParamInfo info = owners.count(id) != 0 ? owners[id] : ParamInfo{id, "", ""};
      if (auto key = weights::find_checkpoint_key(checkpoint, graph->params[id]))
        fed[*key].push_back(info);
      else
        missing.push_back(info);
    }
  }
  auto param_json = [&](const ParamInfo& info) {
    const auto& param = graph->params[info.id];
    return nlohmann::ordered_json{{"name", param.name},
                                  {"node", info.node},
                                  {"role", info.role},
                                  {"shape", param.shape},
                                  {"dtype", std::string(pivot::dtype_name(param.dtype))}};
  };

  uint64_t total = 0;
  nlohmann::ordered_json tensors = nlohmann::ordered_json::array();
  std::vector<std::string> extra;
  for (const auto& [key, view] : checkpoint.tensors) {
    total += view.bytes.size();
    nlohmann::ordered_json entry{{"name", key},
                                 {"dtype", std::string(pivot::dtype_name(view.dtype))},
                                 {"shape", view.shape},
                                 {"bytes", view.bytes.size()}};
    if (graph != nullptr) {
      auto it = fed.find(key);
      nlohmann::ordered_json params = nlohmann::ordered_json::array();
      if (it != fed.end())
        for (const auto& info : it->second) params.push_back(param_json(info));
      else if (!weights::is_training_only_key(key))
        extra.push_back(key);
      entry["parameters"] = params;
    }
    tensors.push_back(entry);
  }

  const std::string format = detect_format(o.file);
  if (o.json) {
    nlohmann::ordered_json out{{"file", o.file},
                               {"format", format},
                               {"tensor_count", checkpoint.tensors.size()},
                               {"total_bytes", total},
                               {"tensors", tensors}};
    if (!checkpoint.notes.empty()) out["notes"] = checkpoint.notes;
    if (graph != nullptr) {
      nlohmann::ordered_json missing_json = nlohmann::ordered_json::array();
      for (const auto& info : missing) missing_json.push_back(param_json(info));
      out["missing"] = missing_json;
      out["extra"] = extra;
    }
    std::cout << out.dump(2) << "\n";
    return ExitStatus::Complete;
  }

  std::cout << fmt::format("{}: {}, {} tensors, {} bytes\n", o.file, format,
                           checkpoint.tensors.size(), total);
  for (const auto& entry : tensors) {
    std::string line =
        fmt::format("  {}  {}  {}  {} bytes", entry["name"].get<std::string>(),
                    entry["dtype"].get<std::string>(),
                    pivot::shape_to_string(entry["shape"].get<std::vector<int64_t>>()),
                    entry["bytes"].get<uint64_t>());
    if (entry.contains("parameters")) {
      if (entry["parameters"].empty())
        line += weights::is_training_only_key(entry["name"]) ? "  (training only)"
                                                             : "  -> EXTRA, no parameter";
      for (const auto& p : entry["parameters"])
        line +=
            fmt::format("  -> {} {} {}", p["node"].get<std::string>(), p["role"].get<std::string>(),
                        pivot::shape_to_string(p["shape"].get<std::vector<int64_t>>()));
    }
    std::cout << line << "\n";
  }
  if (graph != nullptr) {
    std::cout << fmt::format("missing: {}\n", missing.size());
    for (const auto& info : missing)
      std::cout << fmt::format("  {}  ({} {} {})\n", graph->params[info.id].name, info.node,
                               info.role, pivot::shape_to_string(graph->params[info.id].shape));
    std::cout << fmt::format("extra: {}\n", extra.size());
    for (const auto& key : extra) std::cout << "  " << key << "\n";
  }
  return ExitStatus::Complete;
}

}  // namespace

ExitStatus run_convert_weights(const ConvertWeightsOptions& o, DiagnosticEngine& diags) {
  report::Report rep;
  // Nothing is written before the engine's final rename, so an exception leaves nothing behind.
  try {
    return convert_unguarded(o, rep, diags);
  } catch (const std::exception& e) {
    report_internal_error(e, o.model, diags);
    return finish_convert(rep, o, ExitStatus::Failed, diags);
  }
}

ExitStatus run_inspect_weights(const InspectWeightsOptions& o, DiagnosticEngine& diags) {
  try {
    return inspect_weights_unguarded(o, diags);
  } catch (const std::exception& e) {
    report_internal_error(e, o.file, diags);
    return ExitStatus::Failed;
  }
}

}  // namespace nnport::cli
