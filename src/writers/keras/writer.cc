// Keras writer entry point.
//
// One intermediate list of layer records is built from the graph (lower_graph.cc); the Python
// module (render_python.cc), the JSON config (render_json.cc) and the weight plan
// (layer_order.cc) are each rendered from that same list, so layer classes, names, arguments
// and wiring cannot drift between them.
#include "writers/keras/writer.h"

#include "writers/keras/layer_order.h"
#include "writers/keras/lower_graph.h"
#include "writers/keras/python_literal.h"
#include "writers/keras/render_json.h"
#include "writers/keras/render_python.h"

namespace nnport::writers::keras {

std::optional<KerasOutput> write_keras(const pivot::Model& model, const WriteOptions& options,
                                       DiagnosticEngine& diags) {
  if (model.modules.empty() || model.entry >= model.modules.size()) {
    diags.error(Code::NoTargetMapping, SourceLocation{})
        << "the model has no entry module to write";
    return std::nullopt;
  }
  const pivot::ModuleDef& entry = model.entry_module();
  const bool tf_keras = options.api == Api::TfKeras;
  RecordList records = lower_graph(entry, tf_keras, diags);
  if (records.input_keys.empty()) {
    diags.error(Code::NoTargetMapping, entry.location)
        << "model '" << entry.name << "' has no inputs";
    return std::nullopt;
  }

  KerasOutput output;
  output.entry_name = python_identifier(entry.name);
  output.partial = records.partial;
  output.python = render_python(
      records, {tf_keras, options.source_name.empty() ? model.source_file : options.source_name,
                model.source_framework});
  output.config = render_config(records);
  output.weights = make_weight_plan(records, tf_keras);
  return output;
}

}  // namespace nnport::writers::keras
