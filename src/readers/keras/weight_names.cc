// Parameter names: the path Keras 3 gives each variable in a `.weights.h5` file, and the
// legacy `.h5` keys as aliases.
//
// Keras 3 (keras/src/saving/saving_lib.py) saves a layer's own variables under
// "<inner_path>/vars/<i>" and recurses: Sequential and Functional models first yield their
// `layers` list, then every model or layer yields its attributes in sorted order (public
// before private), skipping those a plain Layer has. A list is a container whose items are
// named by their snake_case class name with _1, _2 ... in list order (every item counts, even
// one already saved elsewhere); a dict is the container of its values in insertion order (its
// keys appear nowhere: _save_container_state); a layer reachable twice is saved at its first
// path only. A
// subclassed Model's `layers` (its directly tracked sublayers, in assignment order) is such a
// public attribute, so sublayers whose attribute names sort after "layers" are saved there.
//
// Functional models list their layers in keras/src/ops/function.py map_graph() order: a
// depth-first walk from the outputs numbers operations; an operation's depth is its longest
// distance to an output; layers come by decreasing depth, ties by walk order; keras.ops calls
// and Python operators are operations too (they count for depth) but not layers.
#include <algorithm>
#include <functional>
#include <set>

#include "frameworks/keras/snake_case.h"
#include "readers/keras/interpreter.h"

namespace nnport::readers::keras {
namespace {

using frameworks::keras::to_snake_case;

struct Naming {
  Context& ctx;
  std::set<const Layer*> visited;
  // Legacy order key: index among the model's top-level layers that have variables.
  int legacy_layer = -1;
  int legacy_var = 0;

  void own_vars(const Layer& layer, const std::string& path) {
    std::map<std::string, int> per_group;
    for (const auto& var : layer.vars) {
      const std::string group =
          var.sublayer.empty() ? path : (path.empty() ? var.sublayer : path + "/" + var.sublayer);
      const int index = per_group[group]++;
      auto& p = ctx.graph.params[var.param];
      p.name =
          (group.empty() ? std::string("vars") : group + "/vars") + "/" + std::to_string(index);
      const std::string legacy =
          layer.name + "/" + (var.sublayer.empty() ? "" : var.sublayer + "/") + var.variable;
      p.aliases = {legacy};
      if (legacy_layer >= 0)
        p.aliases.push_back("#" + std::to_string(legacy_layer) + "/" +
                            std::to_string(legacy_var++));
    }
    // A GRU's recurrent bias shares the stored (2, 3H) tensor of its input bias.
    for (const auto& [role, id] : layer.params) {
      if (role.rfind("bias_hh", 0) != 0) continue;
      auto ih = layer.params.find("bias_ih" + role.substr(7));
      if (ih == layer.params.end()) continue;
      ctx.graph.params[id].name = ctx.graph.params[ih->second].name;
      ctx.graph.params[id].aliases = ctx.graph.params[ih->second].aliases;
    }
  }

  void container(const std::vector<LayerPtr>& items, const std::string& path) {
    std::map<std::string, int> used;
    for (const auto& item : items) {
      std::string name =
          to_snake_case(item->kind == Layer::Kind::Functional ? "Functional" : item->cls);
      if (auto it = used.find(name); it != used.end())
        name += "_" + std::to_string(++it->second);
      else
        used[name] = 0;
      visit(item, path.empty() ? name : path + "/" + name);
    }
  }

  void visit(const LayerPtr& layer, const std::string& path) {
    if (!visited.insert(layer.get()).second) return;
    own_vars(*layer, path);
    auto join = [&](const std::string& attr) { return path.empty() ? attr : path + "/" + attr; };
    if (layer->kind == Layer::Kind::Sequential) {
      container(layer->layers, join("layers"));
      return;
    }
    if (layer->kind == Layer::Kind::Functional) {
      container(functional_layers(*layer), join("layers"));
      return;
    }
    if (layer->kind != Layer::Kind::Custom) return;
    std::vector<std::pair<std::string, const Value*>> attrs;
    for (const auto& [name, value] : layer->attrs) attrs.emplace_back(name, &value);
    std::vector<LayerPtr> tracked;  // a Model's `layers`: direct sublayers in assignment order
    for (const auto& [name, value] : layer->attrs) {
      if (value.kind == Value::Kind::Layer)
        tracked.push_back(value.layer);
      else if (value.kind == Value::Kind::List || value.kind == Value::Kind::Dict)
        for (const auto& item : value.items)
          if (item.kind == Value::Kind::Layer) tracked.push_back(item.layer);
    }
    Value layers_attr = Value::of_list({});
    for (const auto& t : tracked) layers_attr.items.push_back(Value::of_layer(t));
    if (layer->klass && layer->klass->is_model) attrs.emplace_back("layers", &layers_attr);
    auto key = [](const std::string& n) { return n[0] == '_' ? "~" + n : n; };
    std::sort(attrs.begin(), attrs.end(),
              [&](const auto& a, const auto& b) { return key(a.first) < key(b.first); });
    for (const auto& [name, value] : attrs) {
      if (value->kind == Value::Kind::Layer)
        visit(value->layer, join(name));
      else if (value->kind == Value::Kind::List || value->kind == Value::Kind::Dict) {
        std::vector<LayerPtr> items;
        for (const auto& item : value->items)
          if (item.kind == Value::Kind::Layer) items.push_back(item.layer);
        if (!items.empty()) container(items, join(name));
      }
    }
  }

  // model.layers of a Functional model (InputLayers included), in map_graph order.
  std::vector<LayerPtr> functional_layers(const Layer& model) {
    const auto& g = ctx.graph;
    // Units: model-level layer calls, and every other node (keras.ops calls, operators).
    struct Unit {
      LayerPtr layer;  // null for an op
      std::vector<pivot::ValueId> inputs, outputs;
      const void* operation;
    };
    std::vector<Unit> units;
    std::vector<bool> covered(g.nodes.size(), false);
    for (const auto& r : ctx.calls) {
      units.push_back({r.layer, r.inputs, r.outputs, r.layer.get()});
      for (size_t i = r.node_begin; i < r.node_end && i < covered.size(); ++i) covered[i] = true;
    }
    for (size_t i = 0; i < g.nodes.size(); ++i)
      if (!covered[i])
        units.push_back({nullptr, g.nodes[i].inputs, g.nodes[i].outputs, &g.nodes[i]});
    std::map<pivot::ValueId, size_t> producer;
    for (size_t u = 0; u < units.size(); ++u)
      for (auto v : units[u].outputs) producer.emplace(v, u);
    auto parents = [&](size_t u) {
      std::vector<size_t> out;
      for (auto v : units[u].inputs)
        if (auto it = producer.find(v); it != producer.end()) out.push_back(it->second);
      return out;
    };
    std::set<size_t> finished;
    std::vector<size_t> nodes_in_decreasing_depth;
    std::map<const void*, int> operation_indices;
    std::function<void(pivot::ValueId, int)> walk = [&](pivot::ValueId v, int depth) {
      auto it = producer.find(v);
      if (it == producer.end() || depth > 10000) return;
      const size_t u = it->second;
      if (finished.count(u)) return;
      if (!operation_indices.count(units[u].operation))
        operation_indices[units[u].operation] = static_cast<int>(operation_indices.size());
      for (auto in : units[u].inputs) walk(in, depth + 1);
      finished.insert(u);
      nodes_in_decreasing_depth.push_back(u);
    };
    for (auto out : model.outputs) walk(out, 0);
    std::map<size_t, int> node_depth;
    std::map<const void*, int> op_depth;
    for (auto it = nodes_in_decreasing_depth.rbegin(); it != nodes_in_decreasing_depth.rend();
         ++it) {
      const size_t u = *it;
      int depth = node_depth.emplace(u, 0).first->second;
      const void* op = units[u].operation;
      depth = std::max(depth, op_depth.count(op) ? op_depth[op] : 0);
      op_depth[op] = depth;
      node_depth[u] = depth;
      for (size_t parent : parents(u)) node_depth[parent] = std::max(depth + 1, node_depth[parent]);
    }
    // Model inputs the outputs do not depend on still belong to the model.
    for (size_t u = 0; u < units.size(); ++u)
      if (units[u].layer && units[u].layer->cls == "InputLayer" &&
          !op_depth.count(units[u].operation) &&
          std::find(model.inputs.begin(), model.inputs.end(), units[u].outputs[0]) !=
              model.inputs.end()) {
        op_depth[units[u].operation] = 0;
        operation_indices[units[u].operation] = -1;
      }
    std::vector<const void*> ops;
    for (const auto& [op, depth] : op_depth) ops.push_back(op);
    std::stable_sort(ops.begin(), ops.end(), [&](const void* a, const void* b) {
      if (op_depth[a] != op_depth[b]) return op_depth[a] > op_depth[b];
      return operation_indices[a] < operation_indices[b];
    });
    std::map<const void*, LayerPtr> layer_of;
    for (const auto& unit : units)
      if (unit.layer) layer_of[unit.operation] = unit.layer;
    std::vector<LayerPtr> out;
    for (const void* op : ops)
      if (auto it = layer_of.find(op); it != layer_of.end()) out.push_back(it->second);
    return out;
  }
};

}  // namespace

void name_parameters(Context& ctx, const LayerPtr& top) {
  Naming naming{ctx, {}, -1, 0};
  // Legacy order keys follow model.layers of Sequential and Functional models.
  if (top->kind == Layer::Kind::Sequential || top->kind == Layer::Kind::Functional) {
    naming.visited.insert(top.get());
    auto layers =
        top->kind == Layer::Kind::Sequential ? top->layers : naming.functional_layers(*top);
    std::map<std::string, int> used;
    int with_weights = 0;
    for (const auto& layer : layers) {
      std::string name =
          to_snake_case(layer->kind == Layer::Kind::Functional ? "Functional" : layer->cls);
      if (auto it = used.find(name); it != used.end())
        name += "_" + std::to_string(++it->second);
      else
        used[name] = 0;
      naming.legacy_layer =
          layer->vars.empty() && layer->kind == Layer::Kind::Builtin ? -1 : with_weights;
      naming.legacy_var = 0;
      naming.visit(layer, "layers/" + name);
      if (naming.legacy_var > 0) ++with_weights;
    }
    return;
  }
  naming.visit(top, "");
}

}  // namespace nnport::readers::keras
