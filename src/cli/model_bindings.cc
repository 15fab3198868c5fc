// Several bindings of the model variable (see model_bindings.h).
#include "cli/model_bindings.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "passes/pipeline.h"
#include "readers/keras/reader.h"
#include "writers/pytorch/several_classes.h"
#include "writers/pytorch/writer.h"

namespace nnport::cli {
namespace {

// The module written for the binding at `line` with the class named `class_name`, or nullopt
// with the first error in `why`.
std::optional<std::string> write_binding(const std::string& source, const std::string& text,
                                         const readers::ReadOptions& read, uint32_t line,
                                         const std::string& class_name, std::string& why) {
  // An earlier binding has no --input-shape of its own: its declared inputs first, then the
  // command line's (a retrain of the same network).
  for (bool with_inputs : {false, true}) {
    readers::ReadOptions options = read;
    if (!with_inputs) options.inputs.clear();
    DiagnosticEngine scratch;
    auto model = readers::read_keras(source, text, options, scratch, line);
    // The training script's own reports (a train_step override) were made by the entry's read.
    auto network_errors = [&] {
      return std::any_of(
          scratch.diagnostics().begin(), scratch.diagnostics().end(), [](const Diagnostic& d) {
            return d.severity == Severity::Error && d.code != Code::ScriptUnsupported;
          });
    };
    if (model && !network_errors() && passes::prepare_for_channels_first(*model, scratch)) {
      writers::pytorch::WriteOptions write;
      write.source_name = std::filesystem::path(source).filename().string();
      auto out = writers::pytorch::write_pytorch(*model, write, scratch);
      if (out && !out->partial && !network_errors()) {
        // The writer names the class after the model variable, as the entry's: renamed here.
        std::string python = out->python;
        const std::string from = "class " + out->entry_name + "(", to = "class " + class_name + "(";
        for (size_t at = python.find(from); at != std::string::npos;
             at = python.find(from, at + to.size()))
          python.replace(at, from.size(), to);
        return python;
      }
    }
    for (const auto& d : scratch.diagnostics())
      if (d.severity == Severity::Error) {
        why = d.message;
        break;
      }
  }
  return std::nullopt;
}

void bind_steps(std::vector<pivot::ScriptStep>& steps,
                const std::map<uint32_t, std::string>& classes, const std::string& entry_name,
                DiagnosticEngine& diags) {
  for (auto& step : steps) {
    for (auto& clause : step.clauses) bind_steps(clause.body, classes, entry_name, diags);
    if (step.kind != pivot::ScriptStep::Kind::BuildModel) continue;
    auto it = classes.find(step.location.line);
    if (it == classes.end()) continue;  // a builder call or the only binding: the entry
    if (it->second.empty()) {
      step.kind = pivot::ScriptStep::Kind::Unsupported;
      step.reason = "the network '" + step.variable +
                    "' is bound to here could not be written as a class of its own";
      diags.error(Code::ScriptUnsupported, step.location) << step.reason;
      continue;
    }
    if (it->second != entry_name) step.model = it->second;
  }
}

}  // namespace

std::map<uint32_t, std::string> write_binding_classes(
    const std::string& source, const readers::ReadOptions& read, const pivot::Model& model,
    const std::string& entry_name, std::string& python, DiagnosticEngine& diags) {
  std::map<uint32_t, std::string> classes;
  if (model.bindings.size() < 2) return classes;
  const std::string variable = model.entry_module().name;
  std::ifstream in(source, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string source_text = buffer.str();
  // Written under the entry's class name, a binding of the same network is the same text.
  std::vector<std::pair<std::string, std::string>> distinct = {{python, entry_name}};
  std::string merged = python;
  std::string summary;
  for (size_t i = 0; i < model.bindings.size(); ++i) {
    const SourceLocation& at = model.bindings[i];
    std::string name;
    if (i == model.binding) {
      name = entry_name;
    } else {
      std::string why;
      auto text = write_binding(source, source_text, read, at.line, entry_name, why);
      if (!text) {
        diags.note(Code::ModelSetAside, at)
            << "'" << variable << "' as bound here is not written as a class of its own: " << why;
        classes[at.line] = "";
        continue;
      }
      for (const auto& [seen, seen_name] : distinct)
        if (seen == *text) name = seen_name;
      if (name.empty()) {
        name = entry_name + std::to_string(distinct.size());
        std::string ignored;
        auto named = write_binding(source, source_text, read, at.line, name, ignored);
        if (!named) continue;
        distinct.emplace_back(*text, name);
        merged = writers::pytorch::add_module_classes(merged, *named,
                                                      "'" + variable + "' as bound at line " +
                                                          std::to_string(at.line) +
                                                          " of the source: a network of its own");
      }
    }
    classes[at.line] = name;
    summary += (summary.empty() ? "" : ", ") + std::string("line ") + std::to_string(at.line) +
               " -> " + name;
  }
  python = std::move(merged);
  diags.note(Code::ModelSetAside, model.bindings.at(model.binding))
      << "'" << variable << "' is bound " << model.bindings.size() << " times (" << summary
      << "): each network is a class, a binding of the same network a fresh instance of its "
         "class; --weights and the report's entry are this binding's class "
      << entry_name;
  return classes;
}

void bind_model_classes(pivot::Script& script, const std::map<uint32_t, std::string>& classes,
                        const std::string& entry_name, DiagnosticEngine& diags) {
  bind_steps(script.steps, classes, entry_name, diags);
}

}  // namespace nnport::cli
