#include "readers/model_choice.h"

#include <string>

namespace nnport::readers {

void report_no_named_model(const std::string& path, const ModelChoiceWording& wording,
                           const std::string& class_name, DiagnosticEngine& diags) {
  diags.error(Code::NoModelFound, SourceLocation{path, 1, 1})
      << "no " << wording.named << " named '" << class_name << "' in this file";
}

void report_no_model(const std::string& path, const ModelChoiceWording& wording,
                     DiagnosticEngine& diags) {
  diags.error(Code::NoModelFound, SourceLocation{path, 1, 1}) << wording.none;
}

void report_ambiguous_models(const std::vector<std::string>& names,
                             const std::vector<SourceLocation>& places, DiagnosticEngine& diags) {
  std::string list;
  std::string picks;
  for (size_t i = 0; i < names.size(); ++i) {
    list += (i ? ", " : "") + names[i] + " (line " + std::to_string(places[i].line) + ")";
    picks += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + ("--class " + names[i]);
  }
  diags.error(Code::AmbiguousModel, places.at(0))
      << "several top-level models: " << list << "; pick one with " << picks;
}

}  // namespace nnport::readers
