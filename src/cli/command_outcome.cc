#include "cli/command_outcome.h"

#include <iostream>

#include "cli/model_loading.h"
#include "support/atomic_file.h"

namespace nnport::cli {

ExitStatus success_status(bool partial, const DiagnosticEngine& diags) {
  return partial || diags.has_errors() ? ExitStatus::Partial : ExitStatus::Complete;
}

bool check_framework_options(const std::string& to, const std::string& from,
                             DiagnosticEngine& diags) {
  if (to != "keras" && to != "pytorch") {
    diags.error(Code::UsageError, cli_location()) << "--to must be keras or pytorch";
    return false;
  }
  if (!from.empty() && from != "keras" && from != "pytorch") {
    diags.error(Code::UsageError, cli_location()) << "--from must be pytorch or keras";
    return false;
  }
  return true;
}

bool write_output(const std::filesystem::path& path, std::string_view content,
                  DiagnosticEngine& diags) {
  if (auto error = write_file_atomically(path, content); !error.empty()) {
    diags.error(Code::OutputNotWritable, cli_location()) << error;
    return false;
  }
  return true;
}

ExitStatus finish_report(report::Report& rep, const std::string& report_path, ExitStatus status,
                         DiagnosticEngine& diags) {
  rep.status = status == ExitStatus::Complete  ? "complete"
               : status == ExitStatus::Partial ? "partial"
                                               : "failed";
  if (status == ExitStatus::Failed || status == ExitStatus::Usage) {
    rep.output.reset();
    rep.weights_output.reset();
  }
  rep.diagnostics = diags.diagnostics();
  if (report_path.empty()) return status;
  const std::string text = report::to_json(rep).dump(2) + "\n";
  if (auto error = write_file_atomically(report_path, text); !error.empty()) {
    // The diagnostics are already in the report being written: this one goes to stderr only.
    std::cerr << format_diagnostic(
                     Diagnostic{cli_location(), Severity::Error, Code::OutputNotWritable, error})
              << "\n";
    if (status != ExitStatus::Usage) return ExitStatus::Failed;
  }
  return status;
}

void report_internal_error(const std::exception& e, const std::string& file,
                           DiagnosticEngine& diags) {
  diags.error(Code::InternalError, SourceLocation{file, 0, 0})
      << "internal error (" << e.what() << "); please report this file to the nnport developers";
}

}  // namespace nnport::cli
