// How the commands that write files end (migrate, convert-weights): outputs written atomically,
// the JSON report of the contract written last, and the exit status.
#pragma once

#include <exception>
#include <filesystem>
#include <string>
#include <string_view>

#include "report/report.h"
#include "support/diagnostics.h"

namespace nnport::cli {

// Exit status of the contract.
enum class ExitStatus : int { Complete = 0, Failed = 1, Usage = 2, Partial = 3 };

// Complete, or Partial when the output is partial or an error was reported on the way.
ExitStatus success_status(bool partial, const DiagnosticEngine& diags);

// Rejects --to / --from values other than keras and pytorch (--from may be empty: detected);
// false after a usage diagnostic.
bool check_framework_options(const std::string& to, const std::string& from,
                             DiagnosticEngine& diags);

// Writes `content` to `path` atomically; false after an OutputNotWritable diagnostic.
bool write_output(const std::filesystem::path& path, std::string_view content,
                  DiagnosticEngine& diags);

// Fills the report's status and diagnostics (a failed run names no output files) and writes it
// to `report_path` when one is given. A report that cannot be written fails the run, except a
// usage error, which keeps its own status.
ExitStatus finish_report(report::Report& rep, const std::string& report_path, ExitStatus status,
                         DiagnosticEngine& diags);

// The diagnostic for an exception that escaped a command: a bug of the tool, not of `file`.
void report_internal_error(const std::exception& e, const std::string& file,
                           DiagnosticEngine& diags);

}  // namespace nnport::cli
