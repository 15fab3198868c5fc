// Diagnostic engine and the code table generated from diagnostic_codes.def.
#include "support/diagnostics.h"

#include <fmt/format.h>

namespace nnport {

const std::vector<CodeInfo>& all_codes() {
  static const std::vector<CodeInfo> table = {
#define NNPORT_DIAG(name, code, severity, stage, summary) \
  {Code::name, code, Severity::severity, Stage::stage, summary},
#include "support/diagnostic_codes.def"
#undef NNPORT_DIAG
  };
  return table;
}

const CodeInfo& code_info(Code code) { return all_codes()[static_cast<size_t>(code)]; }

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::Note: return "note";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "error";
}

InFlightDiagnostic::InFlightDiagnostic(DiagnosticEngine& engine, Diagnostic diagnostic)
    : engine_(&engine), diagnostic_(std::move(diagnostic)) {}

InFlightDiagnostic::InFlightDiagnostic(InFlightDiagnostic&& other) noexcept
    : engine_(other.engine_),
      diagnostic_(std::move(other.diagnostic_)),
      stream_(std::move(other.stream_)) {
  other.engine_ = nullptr;
}

InFlightDiagnostic::~InFlightDiagnostic() {
  if (engine_ == nullptr) return;
  diagnostic_.message = stream_.str();
  engine_->consume(std::move(diagnostic_));
}

InFlightDiagnostic DiagnosticEngine::report(Code code, Severity severity,
                                            const SourceLocation& location) {
  return InFlightDiagnostic(*this, Diagnostic{location, severity, code, {}});
}

void DiagnosticEngine::consume(Diagnostic diagnostic) {
  // A later stage may re-derive a problem an earlier one reported (shape inference after the
  // reader): report each distinct diagnostic once.
  for (const auto& seen : diagnostics_)
    if (seen.location == diagnostic.location && seen.code == diagnostic.code &&
        seen.severity == diagnostic.severity && seen.message == diagnostic.message)
      return;
  if (diagnostic.severity == Severity::Error) ++error_count_;
  for (const auto& handler : handlers_) handler(diagnostic);
  diagnostics_.push_back(std::move(diagnostic));
}

std::string format_diagnostic(const Diagnostic& d) {
  const std::string file = d.location.file.empty() ? "<unknown>" : d.location.file;
  return fmt::format("{}:{}:{}: {}: {} [{}]", file, d.location.line, d.location.column,
                     severity_name(d.severity), d.message, code_info(d.code).name);
}

}  // namespace nnport
