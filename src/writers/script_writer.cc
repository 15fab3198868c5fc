// The framework-independent part of writing a training script (see script_writer.h).
#include "writers/script_writer.h"

#include <set>
#include <sstream>

namespace nnport::writers {
namespace {

using pivot::ScriptStep;

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

bool is_import_line(const std::string& line) {
  return line.rfind("import ", 0) == 0 || line.rfind("from ", 0) == 0;
}

// The model module split into its head (header comments and imports) and its body (the rest).
struct ModelModule {
  std::vector<std::string> head;
  std::vector<std::string> body;
};

ModelModule split_model_module(const std::string& python) {
  ModelModule m;
  std::vector<std::string> lines = split_lines(python);
  size_t i = 0;
  for (; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.empty() || l[0] == '#' || is_import_line(l))
      m.head.push_back(l);
    else
      break;
  }
  while (!m.head.empty() && m.head.back().empty()) m.head.pop_back();
  for (; i < lines.size(); ++i) m.body.push_back(lines[i]);
  while (!m.body.empty() && m.body.back().empty()) m.body.pop_back();
  return m;
}

class Printer {
 public:
  Printer(const pivot::Script& script, StepRenderer& renderer,
          const std::vector<std::string>& model_body)
      : script_(script), renderer_(renderer), model_body_(model_body) {}

  // Writes `steps` at `indent`; returns whether any executable line was written.
  bool steps(const std::vector<ScriptStep>& steps, const std::string& indent) {
    bool executable = false;
    for (const auto& step : steps) executable |= one(step, indent);
    return executable;
  }

  std::vector<std::string> lines;
  bool partial = false;
  bool model_written = false;
  std::vector<std::string> verbatim_imports;

 private:
  bool one(const ScriptStep& step, const std::string& indent) {
    using K = ScriptStep::Kind;
    switch (step.kind) {
      case K::Verbatim: {
        if (indent.empty() && is_import_line(step.text)) {
          verbatim_imports.push_back(step.text);
          return false;
        }
        separate_top_level(step, indent);
        auto text_lines = split_lines(step.text);
        for (size_t i = 0; i < text_lines.size(); ++i)
          lines.push_back(i == 0 ? indent + text_lines[i] : text_lines[i]);
        return step.text.empty() || step.text[0] != '#';
      }
      case K::Block: {
        separate_top_level(step, indent);
        for (const auto& clause : step.clauses) {
          auto header = split_lines(clause.header);
          for (size_t i = 0; i < header.size(); ++i)
            lines.push_back(i == 0 ? indent + header[i] : header[i]);
          if (!steps(clause.body, indent + "    ")) lines.push_back(indent + "    pass");
        }
        return true;
      }
      case K::ModelDefinition:
        if (!model_written) write_model(indent);
        return true;
      case K::Unsupported: {
        partial = true;
        // The reason may quote several source lines (a dict literal): each stays a comment.
        auto why = split_lines(step.reason);
        if (why.empty()) why.emplace_back();
        for (size_t i = 0; i < why.size(); ++i)
          lines.push_back(indent + (i == 0 ? "# TODO(nnport): " : "#   ") + why[i] +
                          (i + 1 == why.size() ? ":" : ""));
        for (const auto& l : split_lines(step.text)) lines.push_back(indent + "# " + l);
        return false;
      }
      case K::Dropped: return false;
      default: {
        auto rendered = renderer_.render(step, script_);
        for (const auto& l : rendered) lines.push_back(l.empty() ? l : indent + l);
        return !rendered.empty();
      }
    }
  }

  // Two blank lines around top-level definitions, as a careful author writes them.
  void separate_top_level(const ScriptStep& step, const std::string& indent) {
    if (!indent.empty() || lines.empty()) return;
    const bool definition = step.kind == ScriptStep::Kind::Block && !step.clauses.empty() &&
                            (step.clauses[0].header.rfind("def ", 0) == 0 ||
                             step.clauses[0].header.rfind("class ", 0) == 0 ||
                             step.clauses[0].header.rfind("@", 0) == 0 ||
                             step.clauses[0].header.rfind("async def ", 0) == 0 ||
                             step.clauses[0].header.rfind("if __name__", 0) == 0);
    if (definition || last_was_definition_) {
      while (!lines.empty() && lines.back().empty()) lines.pop_back();
      lines.push_back("");
      lines.push_back("");
    }
    last_was_definition_ = definition;
  }

  void write_model(const std::string& indent) {
    model_written = true;
    if (!lines.empty()) {
      while (!lines.empty() && lines.back().empty()) lines.pop_back();
      lines.push_back("");
      lines.push_back("");
    }
    for (const auto& l : model_body_) lines.push_back(l.empty() ? l : indent + l);
    lines.push_back("");
    lines.push_back("");
    last_was_definition_ = false;
  }

  const pivot::Script& script_;
  StepRenderer& renderer_;
  const std::vector<std::string>& model_body_;
  bool last_was_definition_ = false;
};

bool is_docstring(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && (text[i] == 'r' || text[i] == 'R' || text[i] == 'u' || text[i] == 'U'))
    ++i;
  return i < text.size() && (text[i] == '"' || text[i] == '\'');
}

bool is_main_guard(const ScriptStep& step) {
  if (step.kind != ScriptStep::Kind::Block || step.clauses.size() != 1) return false;
  std::string header = step.clauses[0].header;
  std::erase(header, ' ');
  return header == "if__name__==\"__main__\":" || header == "if__name__=='__main__':";
}

// Module-level code that runs (not imports, definitions or constants) goes under one
// `if __name__ == "__main__":` at the end, with the body of an existing guard inlined, so that
// importing the generated module only defines things. Comments travel with the step after them.
std::vector<ScriptStep> guard_module_level(const std::vector<ScriptStep>& steps) {
  std::vector<ScriptStep> kept, guarded, comments;
  bool any_code = false;
  for (const auto& step : steps) {
    const bool comment =
        step.kind == ScriptStep::Kind::Verbatim && !step.text.empty() && step.text[0] == '#';
    if (comment) {
      comments.push_back(step);
      continue;
    }
    std::vector<ScriptStep>& into = step.definition ? kept : guarded;
    into.insert(into.end(), comments.begin(), comments.end());
    comments.clear();
    if (!step.definition && is_main_guard(step)) {
      guarded.insert(guarded.end(), step.clauses[0].body.begin(), step.clauses[0].body.end());
      any_code = true;
      continue;
    }
    if (!step.definition) any_code = any_code || step.kind != ScriptStep::Kind::Dropped;
    into.push_back(step);
  }
  kept.insert(kept.end(), comments.begin(), comments.end());
  if (!any_code) {
    kept.insert(kept.end(), guarded.begin(), guarded.end());
    return kept;
  }
  ScriptStep guard;
  guard.kind = ScriptStep::Kind::Block;
  guard.clauses.push_back({"if __name__ == \"__main__\":", std::move(guarded)});
  kept.push_back(std::move(guard));
  return kept;
}

}  // namespace

ScriptOutput write_script(const std::string& model_python, const pivot::Script& script,
                          StepRenderer& renderer) {
  ModelModule model = split_model_module(model_python);
  Printer printer(script, renderer, model.body);
  // The source's module docstring stays the module docstring: first, after the header comment.
  std::vector<ScriptStep> steps = guard_module_level(script.steps);
  std::vector<std::string> docstring;
  if (!steps.empty() && steps[0].kind == ScriptStep::Kind::Verbatim &&
      is_docstring(steps[0].text)) {
    docstring = split_lines(steps[0].text);
    steps.erase(steps.begin());
  }
  printer.steps(steps, "");
  if (!printer.model_written) {
    std::vector<std::string> with_model = model.body;
    with_model.push_back("");
    with_model.push_back("");
    with_model.insert(with_model.end(), printer.lines.begin(), printer.lines.end());
    printer.lines = std::move(with_model);
  }
  // Head: the model writer's header and imports, the source's framework-free imports, the
  // training code's framework imports; each once.
  // The source's own imports (standard library, NumPy, ...) come first, as they did there.
  std::vector<std::string> head;
  size_t first_import = 0;
  while (first_import < model.head.size() && !is_import_line(model.head[first_import]))
    ++first_import;
  std::set<std::string> seen(model.head.begin(), model.head.end());
  head.assign(model.head.begin(), model.head.begin() + static_cast<std::ptrdiff_t>(first_import));
  while (!head.empty() && head.back().empty()) head.pop_back();
  head.insert(head.end(), docstring.begin(), docstring.end());
  for (const auto& line : printer.verbatim_imports)
    if (seen.insert(line).second) head.push_back(line);
  head.insert(head.end(), model.head.begin() + static_cast<std::ptrdiff_t>(first_import),
              model.head.end());
  for (const auto& line : renderer.imports())
    if (seen.insert(line).second) head.push_back(line);

  std::string out;
  for (const auto& l : head) out += l + "\n";
  // Leading blank lines of the body collapse into the two that follow the imports.
  size_t first = 0;
  while (first < printer.lines.size() && printer.lines[first].empty()) ++first;
  out += "\n\n";
  int blanks = 0;
  for (size_t i = first; i < printer.lines.size(); ++i) {
    const std::string& l = printer.lines[i];
    if (l.empty()) {
      if (++blanks > 2) continue;
    } else {
      blanks = 0;
    }
    out += l + "\n";
  }
  while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n')
    out.pop_back();
  return ScriptOutput{out, printer.partial || renderer.partial()};
}

}  // namespace nnport::writers
