// JSON and text forms of the pivot model.
#include "pivot/serialize.h"

#include <fmt/format.h>

#include "pivot/ops/catalog.h"

namespace nnport::pivot {
namespace {

using Json = nlohmann::ordered_json;

// How nodes refer to a parameter: its checkpoint key, plus the block for a sliced one (several
// parameters may come from one stored tensor).
std::string param_reference(const Param& p) {
  if (!p.source_slice) return p.name;
  return p.name + "[" + std::to_string(p.source_slice->start) + ":" +
         std::to_string(p.source_slice->start + p.source_slice->length) + "]";
}

Json dim_to_json(int64_t d) {
  if (d == kBatch) return "N";
  if (d == kUnknown) return nullptr;
  return d;
}

bool dim_from_json(const Json& j, int64_t& out) {
  if (j.is_null())
    out = kUnknown;
  else if (j.is_string() && j.get<std::string>() == "N")
    out = kBatch;
  else if (j.is_number_integer())
    out = j.get<int64_t>();
  else
    return false;
  return true;
}

Json type_to_json(const TensorType& t) {
  Json j;
  j["dtype"] = std::string(dtype_name(t.dtype));
  if (t.rank_known) {
    Json shape = Json::array();
    for (int64_t d : t.shape) shape.push_back(dim_to_json(d));
    j["shape"] = shape;
  } else {
    j["shape"] = nullptr;
  }
  if (!t.layout.empty()) j["layout"] = t.layout;
  return j;
}

Json attr_to_json(const AttrValue& v) {
  struct Visitor {
    Json operator()(std::monostate) const { return nullptr; }
    Json operator()(bool b) const { return b; }
    Json operator()(int64_t i) const { return i; }
    Json operator()(double d) const { return d; }
    Json operator()(const std::string& s) const { return s; }
    Json operator()(const std::vector<int64_t>& v) const { return v; }
    Json operator()(const std::vector<double>& v) const { return v; }
  };
  return std::visit(Visitor{}, v);
}

bool attr_from_json(const Json& j, AttrType type, AttrValue& out) {
  if (j.is_null()) {
    out = std::monostate{};
    return true;
  }
  switch (type) {
    case AttrType::Bool:
      if (!j.is_boolean()) return false;
      out = j.get<bool>();
      return true;
    case AttrType::Int:
      if (!j.is_number_integer()) return false;
      out = j.get<int64_t>();
      return true;
    case AttrType::Float:
      if (!j.is_number()) return false;
      out = j.get<double>();
      return true;
    case AttrType::String:
      if (!j.is_string()) return false;
      out = j.get<std::string>();
      return true;
    case AttrType::Ints: {
      if (!j.is_array()) return false;
      std::vector<int64_t> v;
      for (const auto& e : j) {
        if (!e.is_number_integer()) return false;
        v.push_back(e.get<int64_t>());
      }
      out = std::move(v);
      return true;
    }
    case AttrType::Floats: {
      if (!j.is_array()) return false;
      std::vector<double> v;
      for (const auto& e : j) {
        if (!e.is_number()) return false;
        v.push_back(e.get<double>());
      }
      out = std::move(v);
      return true;
    }
  }
  return false;
}

// A parameter's initializer (initializer.h); defaults left out.
Json initializer_to_json(const Initializer& init) {
  Json j{{"kind", init_kind_info(init.kind).name}};
  if (!init.framework.empty()) j["framework"] = init.framework;
  if (!init.numbers.empty()) j["numbers"] = init.numbers;
  if (init.kind == InitKind::VarianceScaling) {
    j["mode"] = fan_mode_name(init.mode);
    j["distribution"] = distribution_name(init.distribution);
  }
  if (init.fan_in || init.fan_out) j["fans"] = std::vector<int64_t>{init.fan_in, init.fan_out};
  if (init.blocks) j["ones_block"] = std::vector<int64_t>{init.ones_block, init.blocks};
  if (!init.source_name.empty()) j["source_name"] = init.source_name;
  return j;
}

bool initializer_from_json(const Json& j, Initializer& init) {
  auto kind = init_kind_from_name(j.value("kind", ""));
  if (!kind) return false;
  init.kind = *kind;
  init.framework = j.value("framework", "");
  if (j.contains("numbers")) init.numbers = j["numbers"].get<std::vector<double>>();
  for (FanMode m : {FanMode::In, FanMode::Out, FanMode::Avg})
    if (j.value("mode", "") == fan_mode_name(m)) init.mode = m;
  for (Distribution d :
       {Distribution::TruncatedNormal, Distribution::UntruncatedNormal, Distribution::Uniform})
    if (j.value("distribution", "") == distribution_name(d)) init.distribution = d;
  if (j.contains("fans")) {
    auto fans = j["fans"].get<std::vector<int64_t>>();
    if (fans.size() != 2) return false;
    init.fan_in = fans[0];
    init.fan_out = fans[1];
  }
  if (j.contains("ones_block")) {
    auto b = j["ones_block"].get<std::vector<int64_t>>();
    if (b.size() != 2) return false;
    init.ones_block = b[0];
    init.blocks = b[1];
  }
  init.source_name = j.value("source_name", "");
  return true;
}

Json location_to_json(const SourceLocation& loc) {
  if (!loc.known()) return nullptr;
  return Json{{"line", loc.line}, {"col", loc.column}};
}

Json port_to_json(const Port& p, const Graph& g) {
  Json j{{"name", p.name}, {"value", g.values.at(p.value).name}};
  if (!p.source_to_target_perm.empty()) j["source_to_target_perm"] = p.source_to_target_perm;
  return j;
}

Json graph_to_json(const Graph& g) {
  Json j;
  Json values = Json::array();
  for (const auto& v : g.values)
    values.push_back(Json{{"name", v.name}, {"type", type_to_json(v.type)}});
  Json params = Json::array();
  for (const auto& p : g.params) {
    Json pj{{"name", p.name}, {"shape", p.shape}, {"dtype", std::string(dtype_name(p.dtype))}};
    if (!p.source_perm.empty()) pj["source_perm"] = p.source_perm;
    if (!p.stored_shape.empty()) pj["stored_shape"] = p.stored_shape;
    if (!p.block_order.empty()) pj["block_order"] = p.block_order;
    if (!p.aliases.empty()) pj["aliases"] = p.aliases;
    if (p.buffer) pj["buffer"] = true;
    if (p.init.known() || !p.init.framework.empty()) pj["init"] = initializer_to_json(p.init);
    if (p.l1_penalty != 0.0) pj["l1_penalty"] = p.l1_penalty;
    if (p.l2_penalty != 0.0) pj["l2_penalty"] = p.l2_penalty;
    if (!p.transforms.empty()) {
      Json ts = Json::array();
      for (const auto& t : p.transforms)
        ts.push_back(Json{{"axis", t.axis}, {"split", t.split}, {"perm", t.perm}});
      pj["transforms"] = ts;
    }
    if (p.source_slice)
      pj["source_slice"] = Json{{"axis", p.source_slice->axis},
                                {"start", p.source_slice->start},
                                {"length", p.source_slice->length},
                                {"extent", p.source_slice->extent}};
    params.push_back(pj);
  }
  Json nodes = Json::array();
  for (const auto& n : g.nodes) {
    Json nj{{"op", std::string(op_name(n.kind))}, {"name", n.name}};
    if (!n.module_path.empty()) nj["module"] = n.module_path;
    Json ins = Json::array();
    for (ValueId v : n.inputs) ins.push_back(g.values.at(v).name);
    Json outs = Json::array();
    for (ValueId v : n.outputs) outs.push_back(g.values.at(v).name);
    nj["inputs"] = ins;
    nj["outputs"] = outs;
    Json attrs = Json::object();
    for (const auto& [k, v] : n.attrs) attrs[k] = attr_to_json(v);
    nj["attrs"] = attrs;
    if (!n.params.empty()) {
      Json ps = Json::object();
      for (const auto& [role, id] : n.params) ps[role] = param_reference(g.params.at(id));
      nj["params"] = ps;
    }
    nj["loc"] = location_to_json(n.location);
    nodes.push_back(nj);
  }
  Json ins = Json::array();
  for (const auto& p : g.inputs) ins.push_back(port_to_json(p, g));
  Json outs = Json::array();
  for (const auto& p : g.outputs) outs.push_back(port_to_json(p, g));
  j["inputs"] = ins;
  j["outputs"] = outs;
  j["values"] = values;
  j["params"] = params;
  j["nodes"] = nodes;
  return j;
}

struct Parser {
  std::string error;

  bool fail(std::string message) {
    if (error.empty()) error = std::move(message);
    return false;
  }

  bool type_from_json(const Json& j, TensorType& t) {
    if (!j.is_object() || !j.contains("dtype")) return fail("type needs a dtype");
    auto dtype = parse_dtype(j["dtype"].get<std::string>());
    if (!dtype) return fail("unknown dtype " + j["dtype"].dump());
    t.dtype = *dtype;
    if (j["shape"].is_null()) {
      t.rank_known = false;
    } else {
      for (const auto& d : j["shape"]) {
        int64_t v;
        if (!dim_from_json(d, v)) return fail("bad dimension " + d.dump());
        t.shape.push_back(v);
      }
    }
    if (j.contains("layout")) t.layout = j["layout"].get<std::string>();
    return true;
  }

  bool graph_from_json(const Json& j, Graph& g) {
    std::map<std::string, ValueId> value_ids;
    std::map<std::string, ParamId> param_ids;
    for (const auto& vj : j.at("values")) {
      Value v;
      v.name = vj.at("name").get<std::string>();
      if (!type_from_json(vj.at("type"), v.type)) return false;
      if (value_ids.count(v.name)) return fail("duplicate value " + v.name);
      value_ids[v.name] = static_cast<ValueId>(g.values.size());
      g.values.push_back(std::move(v));
    }
    for (const auto& pj : j.at("params")) {
      Param p;
      p.name = pj.at("name").get<std::string>();
      p.shape = pj.at("shape").get<std::vector<int64_t>>();
      auto dtype = parse_dtype(pj.at("dtype").get<std::string>());
      if (!dtype) return fail("unknown dtype in param " + p.name);
      p.dtype = *dtype;
      if (pj.contains("source_perm")) p.source_perm = pj["source_perm"].get<std::vector<int64_t>>();
      if (pj.contains("stored_shape"))
        p.stored_shape = pj["stored_shape"].get<std::vector<int64_t>>();
      if (pj.contains("block_order")) p.block_order = pj["block_order"].get<std::vector<int64_t>>();
      if (pj.contains("aliases")) p.aliases = pj["aliases"].get<std::vector<std::string>>();
      if (pj.contains("buffer")) p.buffer = pj["buffer"].get<bool>();
      if (pj.contains("init") && !initializer_from_json(pj["init"], p.init))
        return fail("unknown initializer in param " + p.name);
      if (pj.contains("l1_penalty")) p.l1_penalty = pj["l1_penalty"].get<double>();
      if (pj.contains("l2_penalty")) p.l2_penalty = pj["l2_penalty"].get<double>();
      if (pj.contains("transforms"))
        for (const auto& tj : pj["transforms"])
          p.transforms.push_back({tj.at("axis").get<int64_t>(),
                                  tj.at("split").get<std::vector<int64_t>>(),
                                  tj.at("perm").get<std::vector<int64_t>>()});
      if (pj.contains("source_slice")) {
        const Json& sj = pj["source_slice"];
        p.source_slice =
            SourceSlice{sj.at("axis").get<int64_t>(), sj.at("start").get<int64_t>(),
                        sj.at("length").get<int64_t>(), sj.at("extent").get<int64_t>()};
      }
      param_ids[param_reference(p)] = static_cast<ParamId>(g.params.size());
      g.params.push_back(std::move(p));
    }
    auto lookup = [&](const Json& name, ValueId& out) {
      auto it = value_ids.find(name.get<std::string>());
      if (it == value_ids.end()) return fail("unknown value " + name.dump());
      out = it->second;
      return true;
    };
    for (const auto& nj : j.at("nodes")) {
      Node n;
      auto kind = find_op(nj.at("op").get<std::string>());
      if (!kind) return fail("unknown op " + nj.at("op").dump());
      n.kind = *kind;
      n.name = nj.at("name").get<std::string>();
      if (nj.contains("module")) n.module_path = nj["module"].get<std::string>();
      for (const auto& v : nj.at("inputs")) {
        ValueId id;
        if (!lookup(v, id)) return false;
        n.inputs.push_back(id);
      }
      for (const auto& v : nj.at("outputs")) {
        ValueId id;
        if (!lookup(v, id)) return false;
        n.outputs.push_back(id);
      }
      const OpSchema& op = schema(n.kind);
      for (const auto& [key, value] : nj.at("attrs").items()) {
        const AttrSpec* spec = op.find_attr(key);
        if (!spec) return fail("op " + op.name + " has no attribute " + key);
        AttrValue parsed;
        if (!attr_from_json(value, spec->type, parsed))
          return fail("attribute " + key + " of " + n.name + " is not of type " +
                      std::string(attr_type_name(spec->type)));
        n.attrs[key] = std::move(parsed);
      }
      if (nj.contains("params"))
        for (const auto& [role, name] : nj["params"].items()) {
          auto it = param_ids.find(name.get<std::string>());
          if (it == param_ids.end()) return fail("unknown param " + name.dump());
          n.params[role] = it->second;
        }
      if (!nj.at("loc").is_null()) {
        n.location.line = nj["loc"].at("line").get<uint32_t>();
        n.location.column = nj["loc"].at("col").get<uint32_t>();
      }
      g.nodes.push_back(std::move(n));
    }
    auto ports = [&](const Json& list, std::vector<Port>& out) {
      for (const auto& pj : list) {
        Port p;
        p.name = pj.at("name").get<std::string>();
        if (!lookup(pj.at("value"), p.value)) return false;
        if (pj.contains("source_to_target_perm"))
          p.source_to_target_perm = pj["source_to_target_perm"].get<std::vector<int64_t>>();
        out.push_back(std::move(p));
      }
      return true;
    };
    return ports(j.at("inputs"), g.inputs) && ports(j.at("outputs"), g.outputs);
  }
};

void fill_locations(Model& model) {
  for (auto& module : model.modules) {
    module.location.file = model.source_file;
    for (auto& node : module.graph.nodes) node.location.file = model.source_file;
  }
}

}  // namespace

nlohmann::ordered_json to_json(const Model& model) {
  Json j;
  j["pivot_version"] = 1;
  j["source_framework"] = model.source_framework;
  j["source_file"] = model.source_file;
  j["entry_kind"] = model.entry_kind;
  j["entry"] = model.modules.empty() ? std::string() : model.entry_module().name;
  Json modules = Json::array();
  for (const auto& m : model.modules) {
    Json mj{{"name", m.name}, {"class", m.class_name}};
    Json args = Json::object();
    for (const auto& [k, v] : m.args) args[k] = attr_to_json(v);
    mj["args"] = args;
    mj["loc"] = location_to_json(m.location);
    mj["graph"] = graph_to_json(m.graph);
    modules.push_back(mj);
  }
  j["modules"] = modules;
  return j;
}

std::optional<Model> model_from_json(const nlohmann::ordered_json& json, std::string& error) {
  Parser parser;
  Model model;
  try {
    if (json.at("pivot_version").get<int>() != 1) {
      error = "unsupported pivot_version";
      return std::nullopt;
    }
    model.source_framework = json.at("source_framework").get<std::string>();
    model.source_file = json.at("source_file").get<std::string>();
    model.entry_kind = json.at("entry_kind").get<std::string>();
    const std::string entry = json.at("entry").get<std::string>();
    for (const auto& mj : json.at("modules")) {
      ModuleDef m;
      m.name = mj.at("name").get<std::string>();
      m.class_name = mj.at("class").get<std::string>();
      // Constructor arguments are untyped in the catalog: keep the JSON's own number kinds.
      for (const auto& [k, v] : mj.at("args").items()) {
        AttrValue parsed;
        if (v.is_boolean())
          parsed = v.get<bool>();
        else if (v.is_number_integer())
          parsed = v.get<int64_t>();
        else if (v.is_number())
          parsed = v.get<double>();
        else if (v.is_string())
          parsed = v.get<std::string>();
        else if (v.is_array() && std::all_of(v.begin(), v.end(),
                                             [](const Json& e) { return e.is_number_integer(); }))
          parsed = v.get<std::vector<int64_t>>();
        else if (v.is_array())
          parsed = v.get<std::vector<double>>();
        m.args[k] = parsed;
      }
      if (!mj.at("loc").is_null()) {
        m.location.line = mj["loc"].at("line").get<uint32_t>();
        m.location.column = mj["loc"].at("col").get<uint32_t>();
      }
      if (!parser.graph_from_json(mj.at("graph"), m.graph)) {
        error = parser.error;
        return std::nullopt;
      }
      if (m.name == entry) model.entry = model.modules.size();
      model.modules.push_back(std::move(m));
    }
  } catch (const nlohmann::json::exception& e) {
    error = e.what();
    return std::nullopt;
  }
  fill_locations(model);
  return model;
}

std::string to_text(const Model& model) {
  std::string out;
  for (const auto& m : model.modules) {
    const Graph& g = m.graph;
    out += fmt::format("module {}{} (class {})\n", m.name,
                       &m == &model.entry_module() ? " [entry]" : "", m.class_name);
    for (const auto& p : g.inputs)
      out += fmt::format("  input  %{} : {} {}\n", g.values[p.value].name,
                         dtype_name(g.values[p.value].type.dtype),
                         shape_to_string(g.values[p.value].type.shape));
    for (const auto& n : g.nodes) {
      std::vector<std::string> outs, ins, attrs;
      for (ValueId v : n.outputs) outs.push_back("%" + g.values[v].name);
      for (ValueId v : n.inputs) ins.push_back("%" + g.values[v].name);
      for (const auto& [k, v] : n.attrs) attrs.push_back(k + "=" + attr_to_string(v));
      std::string type;
      if (!n.outputs.empty()) {
        const auto& t = g.values[n.outputs[0]].type;
        type = t.rank_known ? shape_to_string(t.shape) : "(?)";
        if (!t.layout.empty()) type += " " + t.layout;
      }
      out += fmt::format("  {} = {}({}){}  : {}   # {} line {}\n", fmt::join(outs, ", "),
                         op_name(n.kind), fmt::join(ins, ", "),
                         attrs.empty() ? "" : fmt::format(" {{{}}}", fmt::join(attrs, ", ")), type,
                         n.name, n.location.line);
    }
    for (const auto& p : g.outputs) out += fmt::format("  output %{}\n", g.values[p.value].name);
    size_t count = 0;
    for (const auto& p : g.params) {
      size_t elements = 1;
      for (int64_t d : p.shape) elements *= static_cast<size_t>(d < 0 ? 0 : d);
      count += elements;
    }
    out += fmt::format("  {} parameter tensors, {} values\n", g.params.size(), count);
  }
  return out;
}

}  // namespace nnport::pivot
