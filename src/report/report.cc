// JSON report rendering.
#include "report/report.h"

#include "pivot/types.h"

namespace nnport::report {
namespace {

using Json = nlohmann::ordered_json;

TensorInfo describe(const pivot::Graph& g, const pivot::Port& port) {
  const auto& type = g.values.at(port.value).type;
  TensorInfo info;
  info.name = port.name;
  info.shape = type.shape;
  info.rank_known = type.rank_known;
  info.dtype = std::string(pivot::dtype_name(type.dtype));
  info.source_to_target_perm = port.source_to_target_perm;
  if (info.source_to_target_perm.empty() && type.rank_known)
    for (size_t i = 0; i < type.rank(); ++i)
      info.source_to_target_perm.push_back(static_cast<int64_t>(i));
  return info;
}

Json tensor_json(const TensorInfo& t) {
  Json shape = nullptr;
  if (t.rank_known) {
    shape = Json::array();
    for (int64_t d : t.shape) shape.push_back(d >= 0 ? Json(d) : Json(nullptr));
  }
  return Json{{"name", t.name},
              {"shape", shape},
              {"dtype", t.dtype},
              {"source_to_target_perm", t.source_to_target_perm}};
}

}  // namespace

void describe_ports(const pivot::Model& model, Report& report) {
  const auto& g = model.entry_module().graph;
  report.inputs.clear();
  report.outputs.clear();
  for (const auto& p : g.inputs) report.inputs.push_back(describe(g, p));
  for (const auto& p : g.outputs) report.outputs.push_back(describe(g, p));
}

nlohmann::ordered_json to_json(const Report& r) {
  Json j;
  j["nnport_version"] = NNPORT_VERSION;
  j["source"] = r.source;
  j["source_framework"] = r.source_framework.empty() ? Json(nullptr) : Json(r.source_framework);
  j["target_framework"] = r.target_framework.empty() ? Json(nullptr) : Json(r.target_framework);
  j["status"] = r.status;
  j["output"] = r.output ? Json(*r.output) : Json(nullptr);
  if (r.entry_name.empty())
    j["entry"] = nullptr;
  else
    j["entry"] = Json{{"name", r.entry_name}, {"kind", r.entry_kind}, {"args", Json::object()}};
  Json inputs = Json::array();
  for (const auto& t : r.inputs) inputs.push_back(tensor_json(t));
  Json outputs = Json::array();
  for (const auto& t : r.outputs) outputs.push_back(tensor_json(t));
  j["inputs"] = inputs;
  j["outputs"] = outputs;
  if (r.weights_input)
    j["weights"] = Json{{"input", *r.weights_input},
                        {"output", r.weights_output ? Json(*r.weights_output) : Json(nullptr)}};
  else
    j["weights"] = nullptr;
  Json diags = Json::array();
  for (const auto& d : r.diagnostics)
    diags.push_back(Json{{"file", d.location.file},
                         {"line", d.location.line},
                         {"col", d.location.column},
                         {"severity", std::string(severity_name(d.severity))},
                         {"code", std::string(code_info(d.code).name)},
                         {"message", d.message}});
  j["diagnostics"] = diags;
  return j;
}

}  // namespace nnport::report
