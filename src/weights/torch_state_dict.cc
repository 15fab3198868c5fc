// State_dict discovery in an unpickled checkpoint object.
#include "weights/torch_state_dict.h"

#include <algorithm>
#include <limits>
#include <string_view>
#include <unordered_set>

#include <fmt/format.h>

namespace nnport::weights {
namespace {

using pickle::Value;
using Kind = Value::Kind;

// Keys under which training scripts commonly store the model's state_dict, best first.
constexpr std::string_view kWellKnownKeys[] = {
    "state_dict", "model_state_dict", "model",   "model_state", "net",
    "network",    "module",           "weights", "params",
};
constexpr size_t kMaxDepth = 16;  // checkpoints nest a few levels; pickles can nest millions
constexpr size_t kMaxVisits = 10'000'000;  // a DAG of shared references must not explode the walk
constexpr std::string_view kDataParallelPrefix = "module.";
constexpr size_t kMaxListedNames = 8;

struct Candidate {
  std::string path;      // "checkpoint['model']"
  std::string last_key;  // "model"; empty for the root and list items
  const Value* dict = nullptr;
  size_t tensors = 0;
  size_t matches = 0;
};

class Finder {
 public:
  void walk(const Value& value, const std::string& path, const std::string& last_key,
            size_t depth) {
    if (depth > kMaxDepth || ++visits_ > kMaxVisits || !seen_.insert(&value).second) return;
    if (value.kind == Kind::Dict) {
      size_t tensors = 0;
      for (const auto& [key, item] : value.entries)
        if (key->kind == Kind::String && item->kind == Kind::Tensor) ++tensors;
      if (tensors > 0) candidates.push_back({path, last_key, &value, tensors, 0});
      for (const auto& [key, item] : value.entries) {
        if (key->kind == Kind::String)
          walk(*item, fmt::format("{}['{}']", path, key->text), key->text, depth + 1);
        else if (key->kind == Kind::Int)
          walk(*item, fmt::format("{}[{}]", path, key->integer), "", depth + 1);
      }
    } else if (value.kind == Kind::List || value.kind == Kind::Tuple) {
      for (size_t i = 0; i < value.items.size(); ++i)
        walk(*value.items[i], fmt::format("{}[{}]", path, i), "", depth + 1);
    }
  }

  std::vector<Candidate> candidates;

 private:
  std::unordered_set<const Value*> seen_;
  size_t visits_ = 0;
};

size_t well_known_rank(const Candidate& candidate) {
  for (size_t i = 0; i < std::size(kWellKnownKeys); ++i)
    if (candidate.last_key == kWellKnownKeys[i]) return i;
  // The root comes right after the well-known keys, anything else after it.
  return candidate.path == "checkpoint" ? std::size(kWellKnownKeys) : std::size(kWellKnownKeys) + 1;
}

size_t count_matches(const Value& dict, std::span<const std::string> expected) {
  if (expected.empty()) return 0;
  std::unordered_set<std::string_view> keys;
  for (const auto& [key, item] : dict.entries)
    if (key->kind == Kind::String && item->kind == Kind::Tensor) keys.insert(key->text);
  size_t matches = 0;
  for (const auto& name : expected)
    if (keys.count(name) != 0 || keys.count(std::string(kDataParallelPrefix) + name) != 0)
      ++matches;
  return matches;
}

std::string list_names(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < kMaxListedNames; ++i)
    out += (i == 0 ? "" : ", ") + names[i];
  if (names.size() > kMaxListedNames)
    out += fmt::format(" and {} more", names.size() - kMaxListedNames);
  return out;
}

}  // namespace

std::optional<StateDict> find_state_dict(const Value& root,
                                         std::span<const std::string> expected_names,
                                         std::string& error) {
  Finder finder;
  finder.walk(root, "checkpoint", "", 0);
  auto& candidates = finder.candidates;
  if (candidates.empty()) {
    error =
        root.kind == Kind::Tensor
            ? "the checkpoint is a single tensor, not a state_dict (save model.state_dict())"
            : fmt::format("the checkpoint ({}) holds no dict of tensors; save model.state_dict()",
                          pickle::kind_name(root.kind));
    return std::nullopt;
  }
  for (auto& candidate : candidates)
    candidate.matches = count_matches(*candidate.dict, expected_names);
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) {
                     if (a.matches != b.matches) return a.matches > b.matches;
                     if (well_known_rank(a) != well_known_rank(b))
                       return well_known_rank(a) < well_known_rank(b);
                     return a.tensors > b.tensors;
                   });
  const Candidate& chosen = candidates.front();

  StateDict out;
  std::vector<std::string> skipped;
  for (const auto& [key, item] : chosen.dict->entries) {
    if (key->kind == Kind::String && item->kind == Kind::Tensor)
      out.tensors[key->text] = item;  // later wins
    else if (key->kind == Kind::String)
      skipped.push_back(fmt::format("'{}' ({})", key->text, pickle::kind_name(item->kind)));
    else
      skipped.push_back(fmt::format("a {} key", pickle::kind_name(key->kind)));
  }

  if (chosen.path != "checkpoint") {
    out.notes.push_back(
        fmt::format("using the state_dict at {} ({} tensors)", chosen.path, chosen.tensors));
    if (root.kind == Kind::Dict) {
      std::vector<std::string> others;
      for (const auto& [key, item] : root.entries)
        if (key->kind == Kind::String &&
            chosen.path.rfind(fmt::format("checkpoint['{}']", key->text), 0) != 0)
          others.push_back(fmt::format("'{}'", key->text));
      if (!others.empty())
        out.notes.push_back("ignoring the other checkpoint entries: " + list_names(others));
    }
  }
  if (candidates.size() > 1) {
    std::vector<std::string> others;
    for (size_t i = 1; i < candidates.size(); ++i)
      others.push_back(fmt::format("{} ({} tensors)", candidates[i].path, candidates[i].tensors));
    out.notes.push_back("other dicts of tensors not used: " + list_names(others));
  }
  if (!skipped.empty())
    out.notes.push_back(fmt::format("ignoring {} non-tensor entries of the state_dict: {}",
                                    skipped.size(), list_names(skipped)));

  // DataParallel / DistributedDataParallel save every key as "module.<name>".
  bool all_prefixed = std::all_of(out.tensors.begin(), out.tensors.end(), [](const auto& entry) {
    return entry.first.starts_with(kDataParallelPrefix);
  });
  // A model whose own names start with "module." (a submodule of that name) keeps them.
  bool names_fit =
      std::any_of(expected_names.begin(), expected_names.end(),
                  [&](const std::string& name) { return out.tensors.count(name) != 0; });
  if (all_prefixed && !names_fit) {
    std::map<std::string, const Value*> stripped;
    for (const auto& [name, tensor] : out.tensors)
      stripped[name.substr(kDataParallelPrefix.size())] = tensor;
    out.tensors = std::move(stripped);
    out.notes.push_back("removed the DataParallel prefix 'module.' from every tensor name");
  }
  return out;
}

}  // namespace nnport::weights
