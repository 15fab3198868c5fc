// The migrate and inspect drivers: reader -> passes -> writer -> weights -> files + report.
// Nothing is written unless the whole migration succeeds or is partial; files are written
// atomically; the source is only ever read.
#include "cli/migrate.h"

#include <filesystem>
#include <iostream>
#include <optional>
#include <utility>
#include <vector>

#include "cli/command_outcome.h"
#include "cli/detect_framework.h"
#include "cli/input_spec.h"
#include "cli/model_bindings.h"
#include "cli/model_loading.h"
#include "cli/script_loading.h"
#include "passes/pipeline.h"
#include "passes/shape_inference.h"
#include "pivot/serialize.h"
#include "pivot/training_serialize.h"
#include "readers/keras/reader.h"
#include "readers/pytorch/reader.h"
#include "report/report.h"
#include "weights/convert.h"
#include "writers/keras/script_steps.h"
#include "writers/keras/writer.h"
#include "writers/pytorch/plan_json.h"
#include "writers/pytorch/script_steps.h"
#include "writers/pytorch/writer.h"

namespace nnport::cli {
namespace {

namespace fs = std::filesystem;

std::string stem_of(const std::string& source) {
  std::string stem = fs::path(source).filename().string();
  if (stem.size() > 3 && stem.ends_with(".py")) stem.resize(stem.size() - 3);
  return stem;
}

ExitStatus finish(report::Report& rep, const MigrateOptions& o, ExitStatus status,
                  DiagnosticEngine& diags) {
  return finish_report(rep, o.report, status, diags);
}

// Where a migration's files go: OUTDIR/<stem>.py and the weights file beside it.
struct OutputPaths {
  fs::path code;
  fs::path weights;
};

// Creates OUTDIR and makes sure the code would not overwrite the source; nullopt after a
// diagnostic.
std::optional<OutputPaths> prepare_outputs(const MigrateOptions& o,
                                           const std::string& weights_extension,
                                           DiagnosticEngine& diags) {
  std::error_code ec;
  fs::create_directories(o.outdir, ec);
  if (ec) {
    diags.error(Code::OutputNotWritable, cli_location())
        << "cannot create " << o.outdir << ": " << ec.message();
    return std::nullopt;
  }
  const std::string stem = stem_of(o.source);
  OutputPaths paths{fs::path(o.outdir) / (stem + ".py"),
                    fs::path(o.outdir) / (stem + weights_extension)};
  if (fs::exists(paths.code) && fs::equivalent(paths.code, o.source, ec)) {
    diags.error(Code::OutputNotWritable, cli_location())
        << "the output " << paths.code.string() << " would overwrite the source";
    return std::nullopt;
  }
  return paths;
}

// Writes the text files in order, after the weights: a failure removes the weights file already
// written, so that a failed migration leaves nothing behind.
bool write_text_outputs(const std::vector<std::pair<fs::path, std::string>>& files,
                        const MigrateOptions& o, const OutputPaths& paths,
                        DiagnosticEngine& diags) {
  for (const auto& [path, text] : files) {
    if (write_output(path, text, diags)) continue;
    std::error_code ec;
    if (!o.weights.empty()) fs::remove(paths.weights, ec);
    return false;
  }
  return true;
}

}  // namespace

namespace {

// The channels-first back end: prepare_for_channels_first -> PyTorch writer -> OUTDIR/<stem>.py.
ExitStatus migrate_to_pytorch(const MigrateOptions& o, const readers::ReadOptions& read,
                              report::Report& rep, pivot::Model& model,
                              std::optional<pivot::Script> script, DiagnosticEngine& diags) {
  if (!passes::prepare_for_channels_first(model, diags))
    return finish(rep, o, ExitStatus::Failed, diags);
  report::describe_ports(model, rep);
  writers::pytorch::WriteOptions write;
  write.source_name = fs::path(o.source).filename().string();
  auto output = writers::pytorch::write_pytorch(model, write, diags);
  if (!output) return finish(rep, o, ExitStatus::Failed, diags);
  // The model variable bound several times: a class per network, each binding built from its own.
  const auto classes =
      write_binding_classes(o.source, read, model, output->entry_name, output->python, diags);
  if (script) {
    bind_model_classes(*script, classes, output->entry_name, diags);
    auto renderer = writers::pytorch::make_step_renderer(*script, output->entry_name,
                                                         model.entry_module().graph, diags);
    auto composed = writers::write_script(output->python, *script, *renderer);
    output->python = std::move(composed.python);
    output->partial = output->partial || composed.partial;
  }
  const auto paths = prepare_outputs(o, ".pt", diags);
  if (!paths) return finish(rep, o, ExitStatus::Failed, diags);
  if (!o.weights.empty()) {
    if (!weights::convert_to_torch_pt(model.entry_module().graph, output->weights, o.weights,
                                      paths->weights.string(), diags))
      return finish(rep, o, ExitStatus::Failed, diags);
    rep.weights_output = paths->weights.string();
  }
  std::vector<std::pair<fs::path, std::string>> files;
  if (!o.dev_weight_plan.empty())
    files.emplace_back(
        o.dev_weight_plan,
        writers::pytorch::weight_plan_json(model.entry_module().graph, output->weights).dump(2) +
            "\n");
  files.emplace_back(paths->code, std::move(output->python));
  if (!write_text_outputs(files, o, *paths, diags))
    return finish(rep, o, ExitStatus::Failed, diags);
  rep.output = paths->code.string();
  rep.entry_name = output->entry_name;
  rep.entry_kind = "class";
  return finish(rep, o, success_status(output->partial, diags), diags);
}

ExitStatus migrate_unguarded(const MigrateOptions& o, report::Report& rep,
                             DiagnosticEngine& diags) {
  rep.target_framework = o.to;
  if (o.weights.empty())
    rep.weights_input.reset();
  else
    rep.weights_input = o.weights;

  if (!check_framework_options(o.to, o.from, diags))
    return finish(rep, o, ExitStatus::Usage, diags);
  if (o.keras_api != "keras3" && o.keras_api != "tf.keras") {
    diags.error(Code::UsageError, cli_location()) << "--keras-api must be keras3 or tf.keras";
    return finish(rep, o, ExitStatus::Usage, diags);
  }
  readers::ReadOptions read;
  read.class_name = o.class_name;
  if (!parse_inputs(o.input_shapes, o.input_dtypes, read, diags))
    return finish(rep, o, ExitStatus::Usage, diags);

  std::string framework;
  auto model = read_model(o.source, o.from, read, framework, diags);
  rep.source_framework = framework;
  if (framework == o.to && !o.dev_same_framework) {
    diags.error(Code::UsageError, cli_location())
        << "source and target framework are both " << o.to;
    return finish(rep, o, ExitStatus::Usage, diags);
  }
  if (!model) return finish(rep, o, ExitStatus::Failed, diags);
  rep.entry_name = model->entry_module().name;
  rep.entry_kind = model->entry_kind;
  // The training code around the model, when the file has some (read before the passes change
  // the graph; the script refers to the model only by its variable).
  const auto script = read_script(o.source, framework, *model, read, diags);
  if (o.to == "pytorch") return migrate_to_pytorch(o, read, rep, *model, script, diags);
  if (!passes::prepare_for_channels_last(*model, diags))
    return finish(rep, o, ExitStatus::Failed, diags);
  report::describe_ports(*model, rep);

  writers::keras::WriteOptions write;
  write.api =
      o.keras_api == "tf.keras" ? writers::keras::Api::TfKeras : writers::keras::Api::Keras3;
  write.source_name = fs::path(o.source).filename().string();
  auto output = writers::keras::write_keras(*model, write, diags);
  if (!output) return finish(rep, o, ExitStatus::Failed, diags);
  if (script) {
    auto renderer =
        writers::keras::make_step_renderer(*script, output->entry_name, write.api, diags, &*model);
    auto composed = writers::write_script(output->python, *script, *renderer);
    output->python = std::move(composed.python);
    output->partial = output->partial || composed.partial;
  }

  const auto paths = prepare_outputs(o, ".weights.h5", diags);
  if (!paths) return finish(rep, o, ExitStatus::Failed, diags);
  if (!o.weights.empty()) {
    if (!weights::convert_to_keras_h5(model->entry_module().graph, output->weights, o.weights,
                                      paths->weights.string(), diags))
      return finish(rep, o, ExitStatus::Failed, diags);
    rep.weights_output = paths->weights.string();
  }
  std::vector<std::pair<fs::path, std::string>> files;
  if (!o.keras_json.empty()) files.emplace_back(o.keras_json, output->config.dump(2) + "\n");
  files.emplace_back(paths->code, std::move(output->python));
  if (!write_text_outputs(files, o, *paths, diags))
    return finish(rep, o, ExitStatus::Failed, diags);
  rep.output = paths->code.string();
  rep.entry_name = output->entry_name.empty() ? rep.entry_name : output->entry_name;
  return finish(rep, o, success_status(output->partial, diags), diags);
}

}  // namespace

ExitStatus run_migrate(const MigrateOptions& o, DiagnosticEngine& diags) {
  report::Report rep;
  rep.source = o.source;
  // A bug must never crash the tool or leave half-written output: files are only written at
  // the very end (atomically), so an exception before that leaves nothing behind.
  try {
    return migrate_unguarded(o, rep, diags);
  } catch (const std::exception& e) {
    report_internal_error(e, o.source, diags);
    return finish(rep, o, ExitStatus::Failed, diags);
  }
}

namespace {

ExitStatus inspect_unguarded(const InspectOptions& o, DiagnosticEngine& diags) {
  readers::ReadOptions read;
  read.class_name = o.class_name;
  if (o.format != "json" && o.format != "text") {
    diags.error(Code::UsageError, cli_location()) << "--format must be json or text";
    return ExitStatus::Usage;
  }
  if (o.stage != "read" && o.stage != "keras" && o.stage != "script") {
    diags.error(Code::UsageError, cli_location()) << "--stage must be read, keras or script";
    return ExitStatus::Usage;
  }
  if (!parse_inputs(o.input_shapes, o.input_dtypes, read, diags)) return ExitStatus::Usage;
  std::string framework;
  auto model = read_model(o.source, o.from, read, framework, diags);
  if (!model) return ExitStatus::Failed;
  if (o.stage == "script") {
    // The training script around the model (null when the file has none).
    const auto script = read_script(o.source, framework, *model, read, diags);
    std::cout << (script ? pivot::to_json(*script) : nlohmann::json(nullptr)).dump(2) << "\n";
    return success_status(false, diags);
  }
  if (o.stage == "keras" && !passes::prepare_for_channels_last(*model, diags))
    return ExitStatus::Failed;
  if (o.format == "json")
    std::cout << pivot::to_json(*model).dump(2) << "\n";
  else
    std::cout << pivot::to_text(*model);
  return success_status(false, diags);
}

}  // namespace

ExitStatus run_inspect(const InspectOptions& o, DiagnosticEngine& diags) {
  try {
    return inspect_unguarded(o, diags);
  } catch (const std::exception& e) {
    report_internal_error(e, o.source, diags);
    return ExitStatus::Failed;
  }
}

}  // namespace nnport::cli
