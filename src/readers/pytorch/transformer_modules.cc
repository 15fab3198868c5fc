// Builds nn.TransformerEncoderLayer / nn.TransformerEncoder and their decoder counterparts out
// of the submodules
// PyTorch creates (see transformer_modules.h); transformer_trace.cc traces their forward().
#include "readers/pytorch/transformer_modules.h"

namespace nnport::readers::pytorch {

namespace {

constexpr const char* kLayerParams[] = {"d_model",     "nhead",      "dim_feedforward",
                                        "dropout",     "activation", "layer_norm_eps",
                                        "batch_first", "norm_first", "bias",
                                        "device",      "dtype"};
constexpr const char* kEncoderParams[] = {"encoder_layer", "num_layers", "norm",
                                          "enable_nested_tensor", "mask_check"};
constexpr const char* kDecoderParams[] = {"decoder_layer", "num_layers", "norm"};

InstancePtr failed(Node call, Code code, std::string message) {
  auto inst = std::make_shared<Instance>();
  inst->kind = Instance::Kind::Unsupported;
  inst->created = call.location();
  inst->text = std::string(call.text());
  inst->code = code;
  inst->message = std::move(message);
  return inst;
}

// Arguments by parameter name; false (reported) on unknown or repeated names.
template <size_t N>
bool bind(Context& ctx, const std::vector<CtorArg>& args, const char* const (&names)[N],
          const std::string& what, std::map<std::string, const CtorArg*>& out) {
  size_t next = 0;
  for (const auto& a : args) {
    std::string name = a.name;
    if (name.empty()) {
      if (next >= N) {
        ctx.diags->error(Code::UnsupportedArgument, a.node.location())
            << what << " takes at most " << N << " arguments";
        return false;
      }
      name = names[next++];
    }
    bool known = false;
    for (const char* n : names) known = known || name == n;
    if (!known || out.count(name)) {
      ctx.diags->error(Code::UnsupportedArgument, a.node.location())
          << what << (known ? " got argument '" : " has no argument '") << name << "'"
          << (known ? " twice" : "");
      return false;
    }
    out[name] = &a;
  }
  return true;
}

// A child layer from its table row and constant arguments.
InstancePtr child_layer(Context& ctx, Node call, const char* symbol,
                        std::vector<std::pair<std::string, Constant>> keywords) {
  const auto* row = frameworks::pytorch::find_layer(symbol);
  auto inst = std::make_shared<Instance>();
  inst->kind = Instance::Kind::Layer;
  inst->row = row;
  inst->created = call.location();
  inst->text = std::string(call.text());
  std::map<std::string, SourceLocation> locs;
  for (const auto& [k, v] : keywords) locs[k] = call.location();
  if (row == nullptr ||
      !bind_row(*row, {}, keywords, {}, locs, call.location(), symbol, *ctx.diags, inst->attrs))
    return failed(call, Code::UnsupportedArgument, std::string(symbol) + " could not be built");
  return inst;
}

// "relu" / "gelu" from a string, F.relu / F.gelu, or an nn.ReLU() / nn.GELU() module.
std::optional<std::string> activation_name(Context& ctx, const CtorArg& a) {
  if (a.constant && a.constant->is_string() && (a.constant->s == "relu" || a.constant->s == "gelu"))
    return a.constant->s;
  if (a.module && a.module->kind == Instance::Kind::Layer && a.module->row) {
    if (a.module->row->kind == pivot::OpKind::Relu) return "relu";
    if (a.module->row->kind == pivot::OpKind::Gelu &&
        std::get<std::string>(a.module->attrs.at("approximate")) == "none")
      return "gelu";
  }
  if (a.node) {
    if (auto q = ctx.imports.qualify(a.node)) {
      if (*q == "torch.nn.functional.relu" || *q == "torch.relu") return "relu";
      if (*q == "torch.nn.functional.gelu") return "gelu";
    }
  }
  return std::nullopt;
}

// nn.TransformerEncoderLayer, or with `decoder` nn.TransformerDecoderLayer (same arguments;
// a cross-attention block multihead_attn with norm3 / dropout3 besides).
InstancePtr encoder_layer(Context& ctx, Node call, const std::vector<CtorArg>& args, bool decoder) {
  const std::string what = decoder ? "nn.TransformerDecoderLayer" : "nn.TransformerEncoderLayer";
  std::map<std::string, const CtorArg*> by_name;
  if (!bind(ctx, args, kLayerParams, what, by_name))
    return failed(call, Code::UnsupportedArgument, what + " has arguments nnport cannot migrate");
  // Constant arguments with their PyTorch defaults.
  std::map<std::string, Constant> c = {
      {"dim_feedforward", Constant::integer(2048)}, {"dropout", Constant::floating(0.1)},
      {"layer_norm_eps", Constant::floating(1e-5)}, {"batch_first", Constant::boolean(false)},
      {"norm_first", Constant::boolean(false)},     {"bias", Constant::boolean(true)}};
  std::string activation = "relu";
  for (const auto& [name, arg] : by_name) {
    if (name == "device" || name == "dtype") continue;
    if (name == "activation") {
      auto act = activation_name(ctx, *arg);
      if (!act) {
        ctx.diags->error(Code::UnsupportedArgument, arg->node.location())
            << what << " activation must be \"relu\" or \"gelu\" (or F.relu / F.gelu)";
        return failed(call, Code::UnsupportedArgument, what + " activation not supported");
      }
      activation = *act;
      continue;
    }
    if (!arg->constant) {
      ctx.diags->error(Code::NotConstant, arg->node.location())
          << "argument '" << name << "' of " << what << " is not a constant"
          << (arg->reason.empty() ? "" : ": " + arg->reason);
      return failed(call, Code::NotConstant, what + " has non-constant arguments");
    }
    c[name] = *arg->constant;
  }
  for (const char* required : {"d_model", "nhead"})
    if (!c.count(required)) {
      ctx.diags->error(Code::NotConstant, call.location())
          << what << " argument '" << required << "' is not given";
      return failed(call, Code::NotConstant, what + " is missing arguments");
    }
  if (!c.at("batch_first").is_bool() || !c.at("norm_first").is_bool()) {
    ctx.diags->error(Code::UnsupportedArgument, call.location())
        << what << " batch_first / norm_first must be True or False";
    return failed(call, Code::UnsupportedArgument, what + " has arguments nnport cannot migrate");
  }
  const Constant d = c.at("d_model"), ff = c.at("dim_feedforward"), p = c.at("dropout");
  const Constant eps = c.at("layer_norm_eps"), bias = c.at("bias");
  auto inst = std::make_shared<Instance>();
  inst->kind = Instance::Kind::ModuleList;
  inst->composite = decoder ? "TransformerDecoderLayer" : "TransformerEncoderLayer";
  inst->created = call.location();
  inst->text = std::string(call.text());
  inst->attrs["batch_first"] = c.at("batch_first").b;
  inst->attrs["norm_first"] = c.at("norm_first").b;
  inst->attrs["activation"] = activation;
  // The layer runs batch-first inside; the composite transposes sequence-first inputs once.
  std::vector<std::pair<std::string, InstancePtr>> children = {
      {"self_attn", child_layer(ctx, call, "torch.nn.MultiheadAttention",
                                {{"embed_dim", d},
                                 {"num_heads", c.at("nhead")},
                                 {"dropout", p},
                                 {"bias", bias},
                                 {"batch_first", Constant::boolean(true)}})},
      {"linear1", child_layer(ctx, call, "torch.nn.Linear",
                              {{"in_features", d}, {"out_features", ff}, {"bias", bias}})},
      {"dropout", child_layer(ctx, call, "torch.nn.Dropout", {{"p", p}})},
      {"linear2", child_layer(ctx, call, "torch.nn.Linear",
                              {{"in_features", ff}, {"out_features", d}, {"bias", bias}})},
      {"norm1", child_layer(ctx, call, "torch.nn.LayerNorm",
                            {{"normalized_shape", d}, {"eps", eps}, {"bias", bias}})},
      {"norm2", child_layer(ctx, call, "torch.nn.LayerNorm",
                            {{"normalized_shape", d}, {"eps", eps}, {"bias", bias}})},
      {"dropout1", child_layer(ctx, call, "torch.nn.Dropout", {{"p", p}})},
      {"dropout2", child_layer(ctx, call, "torch.nn.Dropout", {{"p", p}})}};
  if (decoder) {
    children.insert(children.begin() + 1,
                    {"multihead_attn", child_layer(ctx, call, "torch.nn.MultiheadAttention",
                                                   {{"embed_dim", d},
                                                    {"num_heads", c.at("nhead")},
                                                    {"dropout", p},
                                                    {"bias", bias},
                                                    {"batch_first", Constant::boolean(true)}})});
    children.push_back(
        {"norm3", child_layer(ctx, call, "torch.nn.LayerNorm",
                              {{"normalized_shape", d}, {"eps", eps}, {"bias", bias}})});
    children.push_back({"dropout3", child_layer(ctx, call, "torch.nn.Dropout", {{"p", p}})});
  }
  for (const auto& [name, child] : children)
    if (child->kind == Instance::Kind::Unsupported) return child;
  inst->children = std::move(children);
  return inst;
}

// nn.TransformerEncoder, or with `decoder` nn.TransformerDecoder.
InstancePtr encoder(Context& ctx, Node call, const std::vector<CtorArg>& args, bool decoder) {
  const std::string what = decoder ? "nn.TransformerDecoder" : "nn.TransformerEncoder";
  const std::string layer_param = decoder ? "decoder_layer" : "encoder_layer";
  const std::string layer_class = decoder ? "TransformerDecoderLayer" : "TransformerEncoderLayer";
  std::map<std::string, const CtorArg*> by_name;
  if (!(decoder ? bind(ctx, args, kDecoderParams, what, by_name)
                : bind(ctx, args, kEncoderParams, what, by_name)))
    return failed(call, Code::UnsupportedArgument, what + " has arguments nnport cannot migrate");
  auto layer_arg = by_name.find(layer_param);
  auto count_arg = by_name.find("num_layers");
  if (layer_arg == by_name.end() || count_arg == by_name.end()) {
    ctx.diags->error(Code::NotConstant, call.location())
        << what << " needs " << layer_param << " and num_layers";
    return failed(call, Code::NotConstant, what + " is missing arguments");
  }
  const InstancePtr& layer = layer_arg->second->module;
  if (!layer || layer->composite != layer_class) {
    if (layer && layer->kind == Instance::Kind::Unsupported) return layer;  // already reported
    ctx.diags->error(Code::UnsupportedArgument, layer_arg->second->node.location())
        << what << " " << layer_param << " must be an nn." << layer_class;
    return failed(call, Code::UnsupportedArgument, what + " " + layer_param + " not supported");
  }
  const auto& count = count_arg->second->constant;
  if (!count || !count->is_int() || count->i < 1 || count->i > 256) {
    ctx.diags->error(Code::NotConstant, count_arg->second->node.location())
        << what << " num_layers must be a constant positive int";
    return failed(call, Code::NotConstant, what + " num_layers not constant");
  }
  auto inst = std::make_shared<Instance>();
  inst->kind = Instance::Kind::ModuleList;
  inst->composite = decoder ? "TransformerDecoder" : "TransformerEncoder";
  inst->created = call.location();
  inst->text = std::string(call.text());
  auto layers = std::make_shared<Instance>();
  layers->kind = Instance::Kind::ModuleList;
  layers->created = call.location();
  for (int64_t i = 0; i < count->i; ++i)
    layers->children.emplace_back(std::to_string(i), deep_copy_instance(*layer));
  inst->children.emplace_back("layers", layers);
  if (auto norm = by_name.find("norm"); norm != by_name.end()) {
    const CtorArg& a = *norm->second;
    if (a.module && a.module->kind == Instance::Kind::Layer && a.module->row &&
        a.module->row->kind == pivot::OpKind::LayerNorm)
      inst->children.emplace_back("norm", a.module);
    else if (a.module && a.module->kind == Instance::Kind::Unsupported)
      return a.module;
    else if (!(a.constant && a.constant->is_none())) {
      ctx.diags->error(Code::UnsupportedArgument, a.node.location())
          << what << " norm must be None or an nn.LayerNorm";
      return failed(call, Code::UnsupportedArgument, what + " norm not supported");
    }
  }
  return inst;
}

}  // namespace

bool is_transformer_symbol(const std::string& qualified) {
  return qualified == "torch.nn.TransformerEncoderLayer" ||
         qualified == "torch.nn.TransformerEncoder" ||
         qualified == "torch.nn.TransformerDecoderLayer" ||
         qualified == "torch.nn.TransformerDecoder";
}

InstancePtr construct_transformer(Context& ctx, Node call, const std::string& qualified,
                                  const std::vector<CtorArg>& args) {
  const bool decoder = qualified.find("Decoder") != std::string::npos;
  if (qualified.ends_with("Layer")) return encoder_layer(ctx, call, args, decoder);
  return encoder(ctx, call, args, decoder);
}

InstancePtr deep_copy_instance(const Instance& instance) {
  auto copy = std::make_shared<Instance>(instance);
  copy->path.clear();
  for (auto& [name, child] : copy->children) child = deep_copy_instance(*child);
  return copy;
}

}  // namespace nnport::readers::pytorch
