// The choice of the model a reader reads, shared by the readers: the one --class names, else the
// file's only top-level candidate; none, or several, is a diagnostic with the same codes and
// wording for every framework. Each reader keeps only how it finds its candidates.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/diagnostics.h"

namespace nnport::readers {

// How a reader names what it looks for, in its "not found" messages.
struct ModelChoiceWording {
  std::string_view named;  // "no <named> named 'X' in this file" (--class finds nothing)
  std::string_view none;   // the whole message when the file has no candidate
};

// The last candidate called `name` (a later definition shadows an earlier one), or nullptr.
template <typename Candidate>
const Candidate* find_named(const std::vector<Candidate>& candidates, const std::string& name) {
  const Candidate* found = nullptr;
  for (const auto& c : candidates)
    if (c.name == name) found = &c;
  return found;
}

void report_no_named_model(const std::string& path, const ModelChoiceWording& wording,
                           const std::string& class_name, DiagnosticEngine& diags);
void report_no_model(const std::string& path, const ModelChoiceWording& wording,
                     DiagnosticEngine& diags);
// Lists every candidate with its line and the --class value that picks it.
void report_ambiguous_models(const std::vector<std::string>& names,
                             const std::vector<SourceLocation>& places, DiagnosticEngine& diags);

// The chosen candidate: `named` (the reader's resolution of --class, which may reach beyond the
// candidates) when --class is given, else the only candidate, in source order; nullptr after a
// diagnostic. `location_of` gives a candidate's place in the source.
template <typename Candidate, typename LocationOf>
const Candidate* choose_model(const std::vector<Candidate>& candidates,
                              const std::optional<Candidate>& named, const std::string& class_name,
                              const std::string& path, const ModelChoiceWording& wording,
                              LocationOf location_of, DiagnosticEngine& diags) {
  if (!class_name.empty()) {
    if (named) return &*named;
    report_no_named_model(path, wording, class_name, diags);
    return nullptr;
  }
  if (candidates.empty()) {
    report_no_model(path, wording, diags);
    return nullptr;
  }
  if (candidates.size() > 1) {
    std::vector<std::string> names;
    std::vector<SourceLocation> places;
    for (const auto& c : candidates) {
      names.push_back(c.name);
      places.push_back(location_of(c));
    }
    report_ambiguous_models(names, places, diags);
    return nullptr;
  }
  return &candidates[0];
}

}  // namespace nnport::readers
