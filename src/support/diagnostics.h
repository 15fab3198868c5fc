// Diagnostics: values with a code, a severity and a source location, collected by an engine.
//
// Usage:
//   diags.error(Code::UnsupportedLayer, loc) << "nn.PixelShuffle has no Keras mapping";
// The in-flight diagnostic is reported when it goes out of scope. Call sites pass the enum,
// never the string; the stable string code comes from diagnostic_codes.def.
#pragma once

#include <functional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "support/source_location.h"

namespace nnport {

enum class Severity { Note, Warning, Error };
enum class Stage { Cli, Syntax, Reader, Pass, Writer, Weights };

enum class Code {
#define NNPORT_DIAG(name, code, severity, stage, summary) name,
#include "support/diagnostic_codes.def"
#undef NNPORT_DIAG
};

struct CodeInfo {
  Code code;
  std::string_view name;  // stable kebab-case code of the contract
  Severity default_severity;
  Stage stage;
  std::string_view summary;
};

const CodeInfo& code_info(Code code);
const std::vector<CodeInfo>& all_codes();
std::string_view severity_name(Severity severity);

struct Diagnostic {
  SourceLocation location;
  Severity severity = Severity::Error;
  Code code = Code::UsageError;
  std::string message;
};

class DiagnosticEngine;

// A diagnostic being built; it reports itself to the engine when destroyed.
class InFlightDiagnostic {
 public:
  InFlightDiagnostic(DiagnosticEngine& engine, Diagnostic diagnostic);
  InFlightDiagnostic(InFlightDiagnostic&& other) noexcept;
  InFlightDiagnostic(const InFlightDiagnostic&) = delete;
  InFlightDiagnostic& operator=(const InFlightDiagnostic&) = delete;
  InFlightDiagnostic& operator=(InFlightDiagnostic&&) = delete;
  ~InFlightDiagnostic();

  template <typename T>
  InFlightDiagnostic& operator<<(const T& value) {
    stream_ << value;
    return *this;
  }

 private:
  DiagnosticEngine* engine_;
  Diagnostic diagnostic_;
  std::ostringstream stream_;
};

// Collects diagnostics and fans them out to handlers (stderr printer, report, tests).
class DiagnosticEngine {
 public:
  using Handler = std::function<void(const Diagnostic&)>;

  InFlightDiagnostic report(Code code, Severity severity, const SourceLocation& location);
  InFlightDiagnostic error(Code code, const SourceLocation& location) {
    return report(code, Severity::Error, location);
  }
  InFlightDiagnostic warning(Code code, const SourceLocation& location) {
    return report(code, Severity::Warning, location);
  }
  InFlightDiagnostic note(Code code, const SourceLocation& location) {
    return report(code, Severity::Note, location);
  }
  // Reports with the code's default severity.
  InFlightDiagnostic emit(Code code, const SourceLocation& location) {
    return report(code, code_info(code).default_severity, location);
  }

  void add_handler(Handler handler) { handlers_.push_back(std::move(handler)); }
  void consume(Diagnostic diagnostic);

  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  size_t error_count() const { return error_count_; }
  bool has_errors() const { return error_count_ > 0; }

 private:
  std::vector<Diagnostic> diagnostics_;
  std::vector<Handler> handlers_;
  size_t error_count_ = 0;
};

// `FILE:LINE:COL: SEVERITY: MESSAGE [CODE]`, the contract's stderr format.
std::string format_diagnostic(const Diagnostic& diagnostic);

}  // namespace nnport
