// model.layers order and weights-file keys (see layer_order.h). The ordering mirrors
// keras/src/ops/function.py map_graph(): a depth-first walk from the outputs numbers the
// operations; each node's depth is its longest distance to an output; operations are listed
// by decreasing depth, ties by walk order.
#include "writers/keras/layer_order.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "frameworks/keras/snake_case.h"

namespace nnport::writers::keras {
namespace {

int operation_of(const RecordList& list, size_t node) {
  const int owner = list.records[node].owner;
  return owner >= 0 ? owner : static_cast<int>(node);
}

}  // namespace

std::vector<size_t> model_layer_order(const RecordList& list, bool tf_op_lambda_layers) {
  std::vector<size_t> order;
  const auto& records = list.records;
  if (list.sequential) {
    for (size_t i = 0; i < records.size(); ++i)
      if (records[i].kind == RecordKind::Layer) order.push_back(i);
    return order;
  }
  std::map<std::string, size_t> producer;
  for (size_t i = 0; i < records.size(); ++i)
    if (records[i].kind != RecordKind::Todo) {
      producer[records[i].output] = i;
      for (const auto& extra : records[i].extra_outputs)
        if (!extra.empty()) producer[extra] = i;
    }
  auto parents = [&](size_t node) {
    std::vector<size_t> out;
    if (records[node].kind == RecordKind::Input) return out;
    for (const auto& in : records[node].inputs)
      if (auto it = producer.find(list.resolve(in)); it != producer.end())
        out.push_back(it->second);
    return out;
  };

  std::set<size_t> finished;
  std::vector<size_t> nodes_in_decreasing_depth;
  std::map<int, int> operation_indices;
  std::function<void(const std::string&)> visit = [&](const std::string& tensor) {
    auto it = producer.find(list.resolve(tensor));
    if (it == producer.end()) return;
    const size_t node = it->second;
    if (finished.count(node)) return;
    const int op = operation_of(list, node);
    if (!operation_indices.count(op))
      operation_indices[op] = static_cast<int>(operation_indices.size());
    if (records[node].kind != RecordKind::Input)
      for (const auto& in : records[node].inputs) visit(in);
    finished.insert(node);
    nodes_in_decreasing_depth.push_back(node);
  };
  for (const auto& out : list.output_keys) visit(out);

  std::map<size_t, int> node_depth;
  std::map<int, int> op_depth;
  for (auto it = nodes_in_decreasing_depth.rbegin(); it != nodes_in_decreasing_depth.rend(); ++it) {
    const size_t node = *it;
    int depth = node_depth.emplace(node, 0).first->second;
    const int op = operation_of(list, node);
    depth = std::max(depth, op_depth.count(op) ? op_depth[op] : 0);
    op_depth[op] = depth;
    node_depth[node] = depth;
    for (size_t parent : parents(node))
      node_depth[parent] = std::max(depth + 1, node_depth[parent]);
  }
  for (size_t i = 0; i < records.size(); ++i) {
    if (records[i].kind == RecordKind::Input && !op_depth.count(static_cast<int>(i))) {
      op_depth[static_cast<int>(i)] = 0;
      operation_indices[static_cast<int>(i)] = -1;
    }
  }
  std::vector<int> ops;
  for (const auto& [op, depth] : op_depth) ops.push_back(op);
  std::stable_sort(ops.begin(), ops.end(), [&](int a, int b) {
    if (op_depth[a] != op_depth[b]) return op_depth[a] > op_depth[b];
    return operation_indices[a] < operation_indices[b];
  });
  for (int op : ops) {
    const auto kind = records[static_cast<size_t>(op)].kind;
    if (kind == RecordKind::Layer || kind == RecordKind::Input ||
        (kind == RecordKind::Op && tf_op_lambda_layers))
      order.push_back(static_cast<size_t>(op));
  }
  return order;
}

std::vector<std::string> weights_file_keys(const RecordList& list,
                                           const std::vector<size_t>& order) {
  std::map<std::string, int> used;
  std::vector<std::string> keys;
  for (size_t index : order) {
    std::string name = frameworks::keras::to_snake_case(list.records[index].class_name);
    if (auto it = used.find(name); it != used.end()) {
      ++it->second;
      name += "_" + std::to_string(it->second);
    } else {
      used[name] = 0;
    }
    keys.push_back(name);
  }
  return keys;
}

pivot::WeightPlan make_weight_plan(const RecordList& list, bool tf_keras) {
  pivot::WeightPlan plan;
  const auto order = model_layer_order(list, tf_keras);
  const auto keys = weights_file_keys(list, order);
  for (size_t i = 0; i < order.size(); ++i) {
    const auto& record = list.records[order[i]];
    const std::string group = "layers/" + keys[i];
    for (const auto& sub : record.empty_subgroups) plan.empty_groups.push_back(group + "/" + sub);
    if (record.vars.empty()) {
      plan.empty_groups.push_back(group);
      continue;
    }
    std::map<std::string, int> per_sublayer;  // variables are numbered within each sublayer
    for (const auto& var : record.vars) {
      const std::string path = var.sublayer.empty() ? group : group + "/" + var.sublayer;
      const int index = per_sublayer[path]++;
      plan.slots.push_back({path + "/vars/" + std::to_string(index), var.param, var.perm, var.shape,
                            var.block_order, var.combine_with, var.combine});
    }
  }
  return plan;
}

}  // namespace nnport::writers::keras
