// Hands out names unique within one scope by appending _1, _2, ... to repeated bases. Each base
// remembers its next suffix, so naming n values costs O(n) in total even when they all share a
// base (a trace of a long loop or of recursive helpers names hundreds of thousands of nodes).
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>

namespace nnport {

class UniqueNames {
 public:
  // Marks `name` as taken without renaming it (names that exist already).
  void reserve(const std::string& name) { taken_.insert(name); }
  bool taken(const std::string& name) const { return taken_.count(name) != 0; }

  // `base` if free, else the first free `base_k` (k >= 1); the result is taken afterwards.
  std::string make_unique(const std::string& base) {
    if (taken_.insert(base).second) return base;
    int& suffix = next_suffix_[base];
    for (suffix = suffix < 1 ? 1 : suffix;; ++suffix) {
      std::string candidate = base + "_" + std::to_string(suffix);
      if (taken_.insert(candidate).second) return candidate;
    }
  }

  // What make_unique would return, without taking it.
  std::string peek_unique(const std::string& base) const {
    if (!taken(base)) return base;
    auto it = next_suffix_.find(base);
    for (int suffix = it == next_suffix_.end() || it->second < 1 ? 1 : it->second;; ++suffix) {
      std::string candidate = base + "_" + std::to_string(suffix);
      if (!taken(candidate)) return candidate;
    }
  }

 private:
  std::unordered_set<std::string> taken_;
  std::unordered_map<std::string, int> next_suffix_;
};

}  // namespace nnport
