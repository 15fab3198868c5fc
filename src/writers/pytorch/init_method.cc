// reset_parameters() of the generated module (see init_method.h).
#include "writers/pytorch/init_method.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "writers/keras/python_literal.h"
#include "writers/pytorch/expressions.h"

namespace nnport::writers::pytorch {
namespace {

using pivot::Distribution;
using pivot::FanMode;
using pivot::Initializer;
using pivot::InitKind;
using writers::keras::python_float;

// torch.nn.init's fans of a tensor (_calculate_fan_in_and_fan_out): (out, in, *k) gives
// fan_in = in * prod(k), fan_out = out * prod(k); undefined below two dimensions.
std::optional<std::pair<int64_t, int64_t>> torch_fans(const std::vector<int64_t>& shape) {
  if (shape.size() < 2) return std::nullopt;
  int64_t receptive = 1;
  for (size_t i = 2; i < shape.size(); ++i) receptive *= shape[i];
  return std::pair{shape[1] * receptive, shape[0] * receptive};
}

// One init statement; `$` stands for the tensor.
struct Statement {
  std::string leaf;  // what follows the module reference ("weight", "bias_ih_l0")
  std::string text;  // "nn.init.xavier_uniform_($)"
  std::string comment;
  friend bool operator==(const Statement&, const Statement&) = default;
};

std::string replace_all(std::string text, const std::string& tensor) {
  for (size_t at = text.find('$'); at != std::string::npos; at = text.find('$', at + tensor.size()))
    text.replace(at, 1, tensor);
  return text;
}

// `nn.init` calls that reproduce `init` on a PyTorch tensor of `shape`; nullopt with `why` when
// none does. `comment` gets the source rule when the call does not name it.
std::optional<std::vector<std::string>> calls_for(const Initializer& init,
                                                  const std::vector<int64_t>& shape,
                                                  std::string& comment, std::string& why) {
  const auto n = [](double v) { return python_float(writers::keras::tidy_float(v)); };
  const auto& x = init.numbers;
  const auto number = [&](size_t i, double fallback) { return i < x.size() ? x[i] : fallback; };
  const auto fans = torch_fans(shape);
  const bool same_fans = fans && fans->first == init.fan_in && fans->second == init.fan_out;
  switch (init.kind) {
    case InitKind::FrameworkDefault: return std::vector<std::string>{};
    case InitKind::Zeros: return std::vector<std::string>{"nn.init.zeros_($)"};
    case InitKind::Ones: return std::vector<std::string>{"nn.init.ones_($)"};
    case InitKind::Constant:
      return std::vector<std::string>{"nn.init.constant_($, " + n(number(0, 0)) + ")"};
    case InitKind::RandomUniform:
      return std::vector<std::string>{"nn.init.uniform_($, " + n(number(0, -0.05)) + ", " +
                                      n(number(1, 0.05)) + ")"};
    case InitKind::RandomNormal:
      return std::vector<std::string>{"nn.init.normal_($, " + n(number(0, 0)) + ", " +
                                      n(number(1, 0.05)) + ")"};
    case InitKind::TruncatedNormal: {
      const double mean = number(0, 0), std = number(1, 0.05);
      return std::vector<std::string>{"nn.init.trunc_normal_($, mean=" + n(mean) +
                                      ", std=" + n(std) + ", a=" + n(mean - 2 * std) +
                                      ", b=" + n(mean + 2 * std) + ")"};
    }
    case InitKind::VarianceScaling: {
      const double scale = number(0, 1);
      const bool uniform = init.distribution == Distribution::Uniform;
      comment = pivot::describe(init);
      if (same_fans && init.distribution != Distribution::TruncatedNormal) {
        const std::string fn = uniform ? "_uniform_($" : "_normal_($";
        if (init.mode == FanMode::Avg)
          return std::vector<std::string>{
              "nn.init.xavier" + fn + (scale == 1 ? "" : ", gain=" + n(scale) + " ** 0.5") + ")"};
        // kaiming's gain: sqrt(2) for "relu", 1 for "linear".
        if (scale == 2 || scale == 1)
          return std::vector<std::string>{
              "nn.init.kaiming" + fn + (init.mode == FanMode::Out ? ", mode=\"fan_out\"" : "") +
              ", nonlinearity=\"" + (scale == 2 ? "relu" : "linear") + "\")"};
      }
      // Keras' fans of its own layout differ from torch.nn.init's here (or the law is Keras'
      // truncated normal): the bounds are written out.
      if (uniform) {
        const double limit = pivot::variance_scaling_limit(init);
        return std::vector<std::string>{"nn.init.uniform_($, " + n(-limit) + ", " + n(limit) + ")"};
      }
      const double std = pivot::variance_scaling_stddev(init);
      if (init.distribution == Distribution::UntruncatedNormal)
        return std::vector<std::string>{"nn.init.normal_($, 0.0, " + n(std) + ")"};
      return std::vector<std::string>{"nn.init.trunc_normal_($, std=" + n(std) +
                                      ", a=" + n(-2 * std) + ", b=" + n(2 * std) + ")"};
    }
    case InitKind::Orthogonal: {
      // Keras makes prod(shape[:-1]) x shape[-1] orthogonal; torch (out, in * prod(k)), the
      // transpose up to a row order when the fans agree: the same law.
      const double gain = number(0, 1);
      if (same_fans)
        return std::vector<std::string>{"nn.init.orthogonal_($" +
                                        (gain == 1 ? "" : ", gain=" + n(gain)) + ")"};
      why = "orthogonal over the source layout of this parameter is not torch.nn.init's";
      return std::nullopt;
    }
    case InitKind::Identity:
      if (same_fans && shape.size() == 2 && number(0, 1) == 1)
        return std::vector<std::string>{"nn.init.eye_($)"};
      why = "identity is only written for a 2-D parameter with gain 1";
      return std::nullopt;
  }
  return std::vector<std::string>{};
}

// PyTorch's own initial value of a module's parameter or buffer, when it is a constant.
std::optional<InitKind> torch_default(const std::string& callee, const std::string& leaf) {
  static const std::set<std::string> kNorms = {
      "nn.BatchNorm1d", "nn.BatchNorm2d",    "nn.BatchNorm3d",    "nn.LayerNorm",
      "nn.GroupNorm",   "nn.InstanceNorm1d", "nn.InstanceNorm2d", "nn.InstanceNorm3d"};
  if (callee.empty()) return InitKind::Zeros;  // nn.Parameter(torch.zeros(...))
  if (callee == "nn.MultiheadAttention" && (leaf == "in_proj_bias" || leaf == "out_proj.bias"))
    return InitKind::Zeros;
  if (!kNorms.count(callee)) return std::nullopt;
  if (leaf == "weight" || leaf == "running_var") return InitKind::Ones;
  if (leaf == "bias" || leaf == "running_mean") return InitKind::Zeros;
  return std::nullopt;
}

// Whether torch.nn.init computes the call's law from the tensor's shape.
bool uses_fans(const std::string& call) {
  for (const char* fn : {"xavier_", "kaiming_", "orthogonal_", "eye_"})
    if (call.find(fn) != std::string::npos) return true;
  return false;
}

}  // namespace

std::vector<std::string> init_method(const pivot::Graph& graph, const pivot::WeightPlan& plan,
                                     const std::vector<InitModule>& modules,
                                     const std::string& source, DiagnosticEngine& diags) {
  std::map<pivot::ParamId, SourceLocation> where;
  for (const auto& node : graph.nodes)
    for (const auto& [role, id] : node.params) where.emplace(id, node.location);
  // Each module's statements, in plan order.
  std::vector<std::vector<Statement>> of_module(modules.size());
  std::vector<std::string> names;  // the source rules met, for the summary comment
  bool any = false;
  for (const auto& slot : plan.slots) {
    // The module holding the slot: the longest key that prefixes it.
    std::optional<size_t> owner;
    std::string leaf;
    for (size_t m = 0; m < modules.size(); ++m) {
      const auto& key = modules[m].key;
      const bool own = modules[m].callee.empty() ? slot.target_name == key
                                                 : slot.target_name.starts_with(key + ".");
      if (!own || (owner && modules[*owner].key.size() >= key.size())) continue;
      owner = m;
      leaf = modules[m].callee.empty() ? "" : slot.target_name.substr(key.size() + 1);
    }
    if (!owner) continue;
    // The tensors of the slot: one parameter, or the stacked blocks of several along axis 0.
    std::vector<pivot::ParamId> parts{slot.param};
    if (slot.combine == pivot::WeightSlot::Combine::Stack)
      parts.insert(parts.end(), slot.combine_with.begin(), slot.combine_with.end());
    // Blocks under one shape-free rule (the zero biases of q, k, v) are one tensor.
    const auto shape_free = [&](pivot::ParamId id) {
      const auto& init = graph.params[id].init;
      return init == graph.params[slot.param].init && init.kind != InitKind::VarianceScaling &&
             init.kind != InitKind::Orthogonal && init.kind != InitKind::Identity;
    };
    if (parts.size() > 1 && std::all_of(parts.begin(), parts.end(), shape_free)) parts.resize(1);
    int64_t row = 0;
    const size_t first_statement = of_module[*owner].size();
    for (pivot::ParamId id : parts) {
      const pivot::Param& p = graph.params[id];
      Initializer init = p.init;
      if (slot.zeros) {  // a tensor only the target has (bias_hh): zero, as converted
        init = Initializer();
        init.kind = InitKind::Zeros;
      }
      std::string part = leaf;
      if (parts.size() > 1 && !p.shape.empty()) {
        part += "[" + std::to_string(row) + ":" + std::to_string(row + p.shape[0]) + "]";
        row += p.shape[0];
      }
      if (!init.known()) continue;
      const auto fallback = torch_default(modules[*owner].callee, leaf);
      if (parts.size() == 1 && init.blocks == 0 && fallback && *fallback == init.kind) continue;
      std::string comment, why;
      auto calls = calls_for(init, p.shape, comment, why);
      if (!calls) {
        const auto it = where.find(id);
        diags.warning(Code::TrainingConvention, it == where.end() ? SourceLocation{} : it->second)
            << "parameter '" << slot.target_name << "' starts from PyTorch's default "
            << "initialization, not the source's " << pivot::describe(init) << ": " << why;
        continue;
      }
      const std::string name = pivot::describe(init);
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      for (const auto& call : *calls) of_module[*owner].push_back({part, call, comment});
      if (init.blocks > 0 && init.ones_block >= 0 && !p.shape.empty() &&
          p.shape[0] % init.blocks == 0) {
        const int64_t size = p.shape[0] / init.blocks, begin = size * init.ones_block;
        of_module[*owner].push_back(
            {part + "[" + std::to_string(begin) + ":" + std::to_string(begin + size) + "]",
             "nn.init.ones_($)", "the forget gate (unit_forget_bias)"});
      }
      any = true;
    }
    // Blocks given the same call that does not look at the shape: one call on the tensor.
    auto& added = of_module[*owner];
    const bool same =
        parts.size() > 1 && added.size() - first_statement == parts.size() &&
        std::all_of(added.begin() + static_cast<std::ptrdiff_t>(first_statement), added.end(),
                    [&](const Statement& st) {
                      return st.text == added[first_statement].text && !uses_fans(st.text);
                    });
    if (same) {
      added.resize(first_statement + 1);
      added.back().leaf = leaf;
    }
  }
  if (!any) return {};
  // Weights before biases, the forward direction before the reverse one, as people write them.
  for (auto& statements : of_module) {
    const auto rank = [](const Statement& st) {
      return std::tuple{st.leaf.find("_reverse") != std::string::npos,
                        st.leaf.find("bias") != std::string::npos,
                        st.leaf.find("_hh") != std::string::npos};
    };
    std::stable_sort(statements.begin(), statements.end(),
                     [&](const Statement& a, const Statement& b) { return rank(a) < rank(b); });
  }
  // A rule shared by every module of some torch.nn classes (two modules at least) is one loop
  // over self.modules(); a file's own classes may hold torch.nn layers, so none then.
  std::map<std::string, std::vector<size_t>> by_class;
  bool only_torch = true;
  for (size_t m = 0; m < modules.size(); ++m) {
    if (modules[m].callee.empty()) continue;
    by_class[modules[m].callee].push_back(m);
    only_torch = only_torch && modules[m].callee.starts_with("nn.");
  }
  struct Loop {
    std::vector<std::string> classes;
    std::vector<Statement> statements;
    size_t count = 0;
    size_t first = 0;
  };
  std::vector<Loop> loops;
  std::set<size_t> looped;
  for (const auto& [callee, members] : by_class) {
    if (!only_torch) break;
    const auto& rule = of_module[members[0]];
    const bool shared = !rule.empty() && std::all_of(members.begin(), members.end(), [&](size_t m) {
      return of_module[m] == rule;
    }) && std::none_of(rule.begin(), rule.end(), [](const Statement& s) {
      return s.leaf.find('[') != std::string::npos;
    });
    if (!shared) continue;
    auto it = std::find_if(loops.begin(), loops.end(),
                           [&](const Loop& l) { return l.statements == rule; });
    if (it == loops.end()) it = loops.insert(loops.end(), Loop{{}, rule, 0, members[0]});
    it->classes.push_back(callee);
    it->count += members.size();
    it->first = std::min(it->first, members[0]);
  }
  std::erase_if(loops, [](const Loop& l) { return l.count < 2; });
  std::sort(loops.begin(), loops.end(),
            [](const Loop& a, const Loop& b) { return a.first < b.first; });
  std::vector<std::string> out = {"    def reset_parameters(self):"};
  const std::string whose = source == "keras" ? "Keras'" : source + "'s";
  std::string summary = "        # " + whose + " initializers (PyTorch's defaults differ): ";
  for (size_t i = 0; i < names.size(); ++i) summary += (i ? ", " : "") + names[i];
  if (summary.size() > 100)
    summary = "        # " + whose + " initializers, which PyTorch's defaults are not.";
  out.push_back(summary);
  // The statement, wrapped as black would; its comment after it when that fits, else above.
  const auto line = [](const std::string& indent, const Statement& st, const std::string& tensor) {
    const std::string text = replace_all(st.text, tensor);
    if (st.comment.empty()) return wrap_statement("", text, indent.size());
    if (indent.size() + text.size() + st.comment.size() + 4 <= 100)
      return indent + text + "  # " + st.comment;
    return indent + "# " + st.comment + "\n" + wrap_statement("", text, indent.size());
  };
  for (const Loop& loop : loops) {
    std::vector<std::string> sorted;
    for (size_t m = 0; m < modules.size(); ++m)
      if (std::find(loop.classes.begin(), loop.classes.end(), modules[m].callee) !=
              loop.classes.end() &&
          std::find(sorted.begin(), sorted.end(), modules[m].callee) == sorted.end())
        sorted.push_back(modules[m].callee);
    std::string types = sorted.size() == 1 ? sorted[0] : "(";
    if (sorted.size() > 1) {
      for (size_t i = 0; i < sorted.size(); ++i) types += (i ? ", " : "") + sorted[i];
      types += ")";
    }
    out.push_back("        for module in self.modules():");
    out.push_back("            if isinstance(module, " + types + "):");
    for (const auto& s : loop.statements)
      out.push_back(line("                ", s, "module." + s.leaf));
    for (const auto& c : loop.classes)
      for (size_t m : by_class[c]) looped.insert(m);
  }
  for (size_t m = 0; m < modules.size(); ++m) {
    if (looped.count(m)) continue;
    for (const auto& s : of_module[m]) {
      std::string tensor = modules[m].ref;
      if (!s.leaf.empty()) tensor += (s.leaf[0] == '[' ? "" : ".") + s.leaf;
      out.push_back(line("        ", s, tensor));
    }
  }
  return out;
}

}  // namespace nnport::writers::pytorch
