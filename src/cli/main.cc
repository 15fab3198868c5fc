// nnport command line: argument parsing only; the work is in cli/migrate.cc.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/coverage.h"
#include "cli/migrate.h"
#include "cli/weights_commands.h"
#include "docs/generate.h"
#include "support/atomic_file.h"

namespace {

int usage_error(const std::string& message) {
  std::cerr << "nnport:0:0: error: " << message << " [usage-error]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"nnport: migrate neural-network code between PyTorch and Keras"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("nnport ") + NNPORT_VERSION);

  nnport::cli::MigrateOptions m;
  auto* migrate = app.add_subcommand("migrate", "Migrate a model file (code, weights, report)");
  migrate->add_option("SOURCE", m.source, "Python source file")->required();
  migrate->add_option("--to", m.to, "Target framework: keras or pytorch")->required();
  migrate->add_option("--from", m.from, "Source framework (default: detected from imports)");
  migrate->add_option("-o,--outdir", m.outdir, "Output directory (default ./nnport-out)");
  migrate->add_option("--class", m.class_name, "Model class (or builder) to migrate");
  migrate
      ->add_option("--input-shape", m.input_shapes,
                   "Input shape in the source convention, e.g. N,3,32,32")
      ->allow_extra_args(false)
      ->take_all();
  migrate
      ->add_option("--input-dtype", m.input_dtypes, "Input dtype: float32, float64, int64, int32")
      ->allow_extra_args(false)
      ->take_all();
  migrate->add_option("--weights", m.weights, "Trained weights to convert");
  migrate->add_option("--keras-api", m.keras_api,
                      "Generated Keras flavour: keras3 (default) or tf.keras");
  migrate->add_option("--report", m.report, "Write the JSON report here");
  migrate->add_option("--keras-json", m.keras_json,
                      "Also write the Keras model.to_json() config here");
  migrate->add_flag("--dev-same-framework", m.dev_same_framework)->group("");
  migrate->add_option("--dev-weight-plan", m.dev_weight_plan)->group("");

  nnport::cli::InspectOptions i;
  auto* inspect = app.add_subcommand("inspect", "Print the pivot model of a source file");
  inspect->add_option("SOURCE", i.source, "Python source file")->required();
  inspect->add_option("--from", i.from, "Source framework (default: detected from imports)");
  inspect->add_option("--class", i.class_name, "Model class to read");
  inspect->add_option("--input-shape", i.input_shapes, "Input shape in the source convention")
      ->allow_extra_args(false)
      ->take_all();
  inspect->add_option("--input-dtype", i.input_dtypes, "Input dtype")
      ->allow_extra_args(false)
      ->take_all();
  inspect->add_option("--format", i.format, "json (default) or text");
  inspect->add_option(
      "--stage", i.stage,
      "read (default); keras: after the passes for a Keras target; script: the training script");

  nnport::cli::ConvertWeightsOptions w;
  auto* convert_weights = app.add_subcommand(
      "convert-weights", "Convert a checkpoint for a model source (no code written)");
  convert_weights
      ->add_option("WEIGHTS", w.weights, "Checkpoint: .safetensors, .pt/.pth, .weights.h5/.h5")
      ->required();
  convert_weights->add_option("--model", w.model, "Python source file of the model")->required();
  convert_weights->add_option("--to", w.to, "Target framework: keras or pytorch")->required();
  convert_weights->add_option("-o,--output", w.output, "Output weights file")->required();
  convert_weights->add_option("--from", w.from,
                              "Source framework (default: detected from imports)");
  convert_weights->add_option("--class", w.class_name,
                              "Model class (or builder) the weights belong to");
  convert_weights
      ->add_option("--input-shape", w.input_shapes, "Input shape in the source convention")
      ->allow_extra_args(false)
      ->take_all();
  convert_weights->add_option("--input-dtype", w.input_dtypes, "Input dtype")
      ->allow_extra_args(false)
      ->take_all();
  convert_weights->add_option("--report", w.report, "Write the JSON report here");

  nnport::cli::InspectWeightsOptions iw;
  auto* inspect_weights = app.add_subcommand(
      "inspect-weights", "List the tensors of a checkpoint (and what they feed)");
  inspect_weights->add_option("FILE", iw.file, "Checkpoint file")->required();
  inspect_weights->add_option("--model", iw.model,
                              "Python source file: map tensors to its parameters");
  inspect_weights->add_option("--from", iw.from,
                              "Source framework (default: detected from imports)");
  inspect_weights->add_option("--class", iw.class_name, "Model class to read");
  inspect_weights
      ->add_option("--input-shape", iw.input_shapes, "Input shape in the source convention")
      ->allow_extra_args(false)
      ->take_all();
  inspect_weights->add_option("--input-dtype", iw.input_dtypes, "Input dtype")
      ->allow_extra_args(false)
      ->take_all();
  inspect_weights->add_flag("--json", iw.json, "Print JSON instead of text");

  nnport::cli::CoverageOptions c;
  auto* coverage =
      app.add_subcommand("coverage", "Tabulate which .py files migrate to Keras completely");
  coverage->add_option("DIR", c.paths, "Directories (recursive) or .py files")->required();
  coverage->add_option("--json", c.json, "Also write the table as JSON");

  std::string docs_dir = "docs";
  auto* dev = app.add_subcommand("dev", "Developer tools");
  auto* gen_docs =
      dev->add_subcommand("gen-docs", "Regenerate docs/ops.md and docs/diagnostics.md");
  gen_docs->add_option("DIR", docs_dir, "Output directory (default docs)");
  dev->require_subcommand(1);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what());
  }

  if (*gen_docs) {
    for (const auto& [name, text] :
         {std::pair{"ops.md", nnport::docs::ops_markdown()},
          std::pair{"diagnostics.md", nnport::docs::diagnostics_markdown()},
          std::pair{"training.md", nnport::docs::training_markdown()},
          std::pair{"initializers.md", nnport::docs::initializers_markdown()}}) {
      if (auto error = nnport::write_file_atomically(docs_dir + "/" + name, text); !error.empty()) {
        std::cerr << "nnport:0:0: error: " << error << " [output-not-writable]\n";
        return 1;
      }
    }
    return 0;
  }

  if (*coverage) return static_cast<int>(nnport::cli::run_coverage(c));

  nnport::DiagnosticEngine diags;
  diags.add_handler(
      [](const nnport::Diagnostic& d) { std::cerr << nnport::format_diagnostic(d) << "\n"; });
  nnport::cli::ExitStatus status;
  if (*migrate)
    status = nnport::cli::run_migrate(m, diags);
  else if (*convert_weights)
    status = nnport::cli::run_convert_weights(w, diags);
  else if (*inspect_weights)
    status = nnport::cli::run_inspect_weights(iw, diags);
  else
    status = nnport::cli::run_inspect(i, diags);
  return static_cast<int>(status);
}
