// Initializers of Keras layers (see initializers.h).
#include "readers/keras/initializers.h"

#include "frameworks/keras/initializer_rows.h"

namespace nnport::readers::keras {
namespace {

using frameworks::keras::InitializerRow;

const Value* dict_item(const Value& dict, const std::string& key) {
  for (size_t i = 0; i < dict.keys.size() && i < dict.items.size(); ++i)
    if (dict.keys[i].is_string() && dict.keys[i].s == key) return &dict.items[i];
  return nullptr;
}

std::optional<pivot::FanMode> fan_mode(const std::string& s) {
  if (s == "fan_in") return pivot::FanMode::In;
  if (s == "fan_out") return pivot::FanMode::Out;
  if (s == "fan_avg") return pivot::FanMode::Avg;
  return std::nullopt;
}

std::optional<pivot::Distribution> distribution(const std::string& s) {
  // Keras 3 reads "normal" as "truncated_normal".
  if (s == "truncated_normal" || s == "normal") return pivot::Distribution::TruncatedNormal;
  if (s == "untruncated_normal") return pivot::Distribution::UntruncatedNormal;
  if (s == "uniform") return pivot::Distribution::Uniform;
  return std::nullopt;
}

// The rule of `row` with the constructor arguments of `config` (a Dict, or null).
std::optional<pivot::Initializer> from_row(const InitializerRow& row, const Value* config,
                                           const std::vector<int64_t>& shape, std::string& why) {
  pivot::Initializer init;
  init.kind = row.kind;
  init.mode = row.mode;
  init.distribution = row.distribution;
  init.source_name = row.identifier;
  for (const auto& [keyword, fallback] : row.numbers) {
    double value = fallback;
    if (const Value* v = config ? dict_item(*config, keyword) : nullptr) {
      auto c = v->as_constant();
      auto d = c ? c->as_double() : std::nullopt;
      if (!d) {
        why = std::string(row.class_name) + "(" + keyword + "=...) is not a constant number";
        return std::nullopt;
      }
      value = *d;
      init.source_name.clear();  // described by its numbers
    }
    init.numbers.push_back(value);
  }
  if (row.kind == pivot::InitKind::VarianceScaling && row.numbers.empty())
    init.numbers = {row.scale};
  for (const char* keyword : {"mode", "distribution"}) {
    const Value* v = config ? dict_item(*config, keyword) : nullptr;
    if (!v || row.kind != pivot::InitKind::VarianceScaling) continue;
    auto c = v->as_constant();
    const std::string s = c && c->is_string() ? c->s : "";
    bool ok = false;
    if (std::string(keyword) == "mode") {
      if (auto m = fan_mode(s)) init.mode = *m, ok = true;
    } else if (auto d = distribution(s)) {
      init.distribution = *d, ok = true;
    }
    if (!ok) {
      why = std::string("VarianceScaling(") + keyword + "=...) is not one Keras accepts";
      return std::nullopt;
    }
    init.source_name.clear();
  }
  if (row.kind == pivot::InitKind::VarianceScaling &&
      std::string(row.identifier) == "variance_scaling")
    init.source_name.clear();
  const auto [fan_in, fan_out] = frameworks::keras::keras_fans(shape);
  init.fan_in = fan_in;
  init.fan_out = fan_out;
  return init;
}

}  // namespace

std::optional<pivot::Initializer> read_initializer(const Value* argument, const char* fallback,
                                                   const std::vector<int64_t>& shape,
                                                   std::string& why) {
  std::string name = fallback;
  const Value* config = nullptr;
  if (argument && argument->kind == Value::Kind::Dict) {
    const Value* cls = dict_item(*argument, "class_name");
    auto c = cls ? cls->as_constant() : std::nullopt;
    if (!c || !c->is_string()) {
      why = "an initializer given as a dict needs a constant class_name";
      return std::nullopt;
    }
    name = c->s;
    config = dict_item(*argument, "config");
    if (config && config->kind != Value::Kind::Dict) config = nullptr;
  } else if (argument) {
    auto c = argument->as_constant();
    if (c && c->is_string()) {
      name = c->s;
    } else if (c && c->is_none()) {
      name = "glorot_uniform";  // Layer.add_weight(initializer=None) on a float variable
    } else {
      why = "only Keras initializer names and keras.initializers objects are understood";
      return std::nullopt;
    }
  }
  const InitializerRow* row = frameworks::keras::find_initializer(name);
  if (!row) {
    why = "the initializer '" + name + "' is not known";
    return std::nullopt;
  }
  return from_row(*row, config, shape, why);
}

std::vector<int64_t> keras_shape(const pivot::Param& p) {
  if (!p.stored_shape.empty()) return p.stored_shape;
  std::vector<int64_t> shape = p.shape;
  if (p.source_perm.size() == p.shape.size())
    for (size_t i = 0; i < p.shape.size(); ++i)
      shape[static_cast<size_t>(p.source_perm[i])] = p.shape[i];
  if (p.source_slice && p.source_slice->axis >= 0 &&
      static_cast<size_t>(p.source_slice->axis) < shape.size())
    shape[static_cast<size_t>(p.source_slice->axis)] = p.source_slice->extent;
  return shape;
}

void assign_initializers(Interpreter& in, const Layer& layer, Node site) {
  // Wrappers (Bidirectional, TimeDistributed) build their inner layer: its arguments count.
  const Layer* config = &layer;
  static const char* kWrappers[] = {"Bidirectional", "TimeDistributed"};
  for (const char* wrapper : kWrappers) {
    if (layer.cls != wrapper) continue;
    const Value* inner = layer.kwarg("layer");
    if (!inner && !layer.args.empty()) inner = &layer.args[0];
    if (inner && inner->kind == Value::Kind::Layer && inner->layer) config = inner->layer.get();
  }
  auto& graph = in.ctx().graph;
  for (const VarRef& var : layer.vars) {
    pivot::Param& p = graph.params[var.param];
    if (p.init.known()) continue;
    const auto* row = frameworks::keras::find_variable_init(config->cls, var.variable);
    if (!row) continue;
    std::string why;
    auto init = read_initializer(config->kwarg(row->argument), row->fallback, keras_shape(p), why);
    if (!init) {
      in.ctx().diags->warning(Code::TrainingOnly, in.loc(site))
          << row->argument << " of layer '" << layer.name << "': " << why
          << "; the migrated parameter keeps the target framework's default initialization";
      continue;
    }
    // LSTM(unit_forget_bias=True), the default: the forget gate's bias starts at one. Keras'
    // gate order i, f, c, o is PyTorch's (the canonical one).
    if (config->cls == "LSTM" && var.variable == "bias") {
      const Value* v = config->kwarg("unit_forget_bias");
      auto c = v ? v->as_constant() : std::nullopt;
      if (!c || !c->is_bool() || c->b) {
        init->blocks = 4;
        init->ones_block = 1;
      }
    }
    p.init = *init;
  }
  // A parameter cut from the same stored variable as one above (the recurrent row of a Keras
  // GRU's (2, 3H) bias) follows the variable's rule.
  for (const auto& [role, id] : layer.params) {
    pivot::Param& p = graph.params[id];
    if (p.init.known()) continue;
    for (const VarRef& var : layer.vars)
      if (graph.params[var.param].name == p.name && graph.params[var.param].init.known())
        p.init = graph.params[var.param].init;
  }
}

std::optional<Value> initializer_object(const std::string& name, const std::vector<Value>& args,
                                        const std::vector<std::pair<std::string, Value>>& kwargs) {
  const InitializerRow* row = frameworks::keras::find_initializer(name);
  if (!row) return std::nullopt;
  std::vector<std::string> positional;
  for (const auto& [keyword, fallback] : row->numbers) positional.push_back(keyword);
  if (row->kind == pivot::InitKind::VarianceScaling && !row->numbers.empty())
    positional.insert(positional.end(), {"mode", "distribution"});
  Value config;
  config.kind = Value::Kind::Dict;
  for (size_t i = 0; i < args.size() && i < positional.size(); ++i) {
    config.keys.push_back(Constant::string(positional[i]));
    config.items.push_back(args[i]);
  }
  for (const auto& [k, v] : kwargs) {
    config.keys.push_back(Constant::string(k));
    config.items.push_back(v);
  }
  Value out;
  out.kind = Value::Kind::Dict;
  out.keys = {Constant::string("class_name"), Constant::string("config")};
  out.items = {Value::of_const(Constant::string(row->identifier)), config};
  return out;
}

}  // namespace nnport::readers::keras
