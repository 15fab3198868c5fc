// Module tree of the generated nn.Module (see module_tree.h).
#include "writers/pytorch/module_tree.h"

#include <algorithm>
#include <map>

#include "writers/keras/python_literal.h"

namespace nnport::writers::pytorch {
namespace {

std::string flat(const PyExpr& e) {
  if (e.open.empty()) return e.atom;
  std::string out = e.open;
  for (size_t i = 0; i < e.items.size(); ++i)
    out += (i ? ", " : "") + e.items[i].first + flat(e.items[i].second);
  return out + e.close;
}

void render_into(std::string& out, const std::string& prefix, const PyExpr& e,
                 const std::string& suffix, size_t indent, size_t width) {
  const std::string pad(indent, ' ');
  const std::string one = prefix + flat(e) + suffix;
  if (e.open.empty() || e.items.empty() || indent + one.size() <= width) {
    out += pad + one + "\n";
    return;
  }
  std::string joined;
  for (size_t i = 0; i < e.items.size(); ++i)
    joined += (i ? ", " : "") + e.items[i].first + flat(e.items[i].second);
  if (!e.display && indent + 4 + joined.size() <= width) {
    out +=
        pad + prefix + e.open + "\n" + pad + "    " + joined + "\n" + pad + e.close + suffix + "\n";
    return;
  }
  out += pad + prefix + e.open + "\n";
  // A call's only argument, a display, ends without a trailing comma (as black writes it).
  const bool sole_display = !e.display && e.items.size() == 1 && e.items[0].second.display;
  for (const auto& [key, item] : e.items)
    render_into(out, key, item, sole_display ? "" : ",", indent + 4, width);
  out += pad + e.close + suffix + "\n";
}

bool is_index(const std::string& s) {
  return !s.empty() && s.size() <= 6 && s.find_first_not_of("0123456789") == std::string::npos &&
         (s == "0" || s[0] != '0');
}

// A name usable as `module.name`: an identifier that is no keyword and no attribute nn.Module
// or nn.ModuleDict already has (add_module rejects those).
bool is_name(const std::string& s) {
  static const std::set<std::string> kTaken = {
      "False",     "None",       "True",       "and",
      "as",        "assert",     "async",      "await",
      "break",     "class",      "continue",   "def",
      "del",       "elif",       "else",       "except",
      "finally",   "for",        "from",       "global",
      "if",        "import",     "in",         "is",
      "lambda",    "nonlocal",   "not",        "or",
      "pass",      "raise",      "return",     "try",
      "while",     "with",       "yield",      "training",
      "forward",   "keys",       "items",      "values",
      "pop",       "clear",      "update",     "type",
      "float",     "double",     "half",       "cuda",
      "cpu",       "to",         "eval",       "train",
      "apply",     "children",   "modules",    "parameters",
      "buffers",   "state_dict", "add_module", "register_buffer",
      "zero_grad", "extra_repr", "bfloat16",   "requires_grad_"};
  if (s.empty() || (s[0] >= '0' && s[0] <= '9') || kTaken.count(s)) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// A key an nn.ModuleDict takes ("0", "0_pad"), read as `module["0_pad"]` when it is no name.
bool is_key(const std::string& s) {
  return is_name(s) || (!s.empty() && s[0] >= '0' && s[0] <= '9' && is_name("k" + s));
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', start)) {
    out.push_back(path.substr(start, dot - start));
    start = dot + 1;
  }
  out.push_back(path.substr(start));
  return out;
}

std::string unique(std::set<std::string>& used, const std::string& base) {
  std::string name = base;
  for (int i = 1; used.count(name); ++i) name = base + "_" + std::to_string(i);
  used.insert(name);
  return name;
}

struct TreeNode {
  std::string key;
  int unit = -1;
  std::vector<size_t> children;  // in first-use order
};

class Placer {
 public:
  Placer(const std::vector<ModuleUnit>& units, std::set<std::string>& attrs_used,
         std::vector<std::string>& init)
      : units_(units), attrs_used_(attrs_used), init_(init), placed_(units.size()) {}

  std::vector<PlacedModule> run() {
    std::vector<std::string> roots;
    std::map<std::string, std::vector<size_t>> members;
    for (size_t i = 0; i < units_.size(); ++i) {
      const std::string root = split_path(units_[i].path)[0];
      if (!members.count(root)) roots.push_back(root);
      members[root].push_back(i);
    }
    for (const auto& root : roots)
      if (!place_tree(members[root])) place_flat(members[root]);
    return placed_;
  }

 private:
  const std::vector<ModuleUnit>& units_;
  std::set<std::string>& attrs_used_;
  std::vector<std::string>& init_;
  std::vector<PlacedModule> placed_;
  std::vector<TreeNode> nodes_;

  void place_flat(const std::vector<size_t>& members) {
    for (size_t u : members) {
      const std::string attr =
          unique(attrs_used_, writers::keras::python_identifier(units_[u].path));
      init_.push_back(render_expr("self." + attr + " = ", units_[u].constructor, 8));
      placed_[u] = PlacedModule{attr, "self." + attr};
    }
  }

  // False (nothing placed) when the paths are no module tree.
  bool place_tree(const std::vector<size_t>& members) {
    nodes_.assign(1, TreeNode{});
    for (size_t u : members) {
      const auto parts = split_path(units_[u].path);
      if (!is_name(parts[0])) return false;
      size_t at = 0;
      for (size_t depth = 0; depth < parts.size(); ++depth) {
        const std::string& part = parts[depth];
        if (depth > 0 && !is_key(part)) return false;
        if (nodes_[at].unit >= 0) return false;  // a layer holding items of its own
        size_t next = 0;
        for (size_t c : nodes_[at].children)
          if (nodes_[c].key == part) next = c;
        if (next == 0) {
          next = nodes_.size();
          nodes_[at].children.push_back(next);
          nodes_.push_back(TreeNode{part, -1, {}});
        }
        at = next;
      }
      if (nodes_[at].unit >= 0 || !nodes_[at].children.empty()) return false;
      nodes_[at].unit = static_cast<int>(u);
    }
    const size_t top = nodes_[0].children.at(0);
    const std::string attr = unique(attrs_used_, nodes_[top].key);
    init_.push_back(render_expr("self." + attr + " = ", expression(top, attr, "self." + attr), 8));
    return true;
  }

  // The constructor of node `n`, recording where its units land.
  PyExpr expression(size_t n, const std::string& key, const std::string& ref) {
    const TreeNode& node = nodes_[n];
    if (node.unit >= 0) {
      placed_[static_cast<size_t>(node.unit)] = PlacedModule{key, ref};
      return units_[static_cast<size_t>(node.unit)].constructor;
    }
    std::vector<size_t> children = node.children;
    const bool indices = std::all_of(children.begin(), children.end(),
                                     [&](size_t c) { return is_index(nodes_[c].key); });
    bool list = indices;
    if (indices) {
      std::sort(children.begin(), children.end(), [&](size_t a, size_t b) {
        return std::stoll(nodes_[a].key) < std::stoll(nodes_[b].key);
      });
      for (size_t i = 0; list && i < children.size(); ++i)
        list = nodes_[children[i]].key == std::to_string(i);
    }
    PyExpr display;
    display.display = true;
    display.open = list ? "[" : "{";
    display.close = list ? "]" : "}";
    for (size_t c : children) {
      const std::string& k = nodes_[c].key;
      const std::string child_ref = list         ? ref + "[" + k + "]"
                                    : is_name(k) ? ref + "." + k
                                                 : ref + "[\"" + k + "\"]";
      display.items.emplace_back(list ? "" : "\"" + k + "\": ",
                                 expression(c, key + "." + k, child_ref));
    }
    return PyExpr::call(list ? "nn.ModuleList" : "nn.ModuleDict", {display});
  }
};

}  // namespace

PyExpr PyExpr::text(std::string t) {
  PyExpr e;
  e.atom = std::move(t);
  return e;
}

PyExpr PyExpr::call(const std::string& callee, std::vector<PyExpr> args) {
  PyExpr e;
  e.open = callee + "(";
  e.close = ")";
  for (auto& a : args) e.items.emplace_back("", std::move(a));
  return e;
}

std::string render_expr(const std::string& prefix, const PyExpr& e, size_t indent, size_t width) {
  std::string out;
  render_into(out, prefix, e, "", indent, width);
  if (!out.empty()) out.pop_back();
  return out;
}

std::vector<PlacedModule> place_modules(const std::vector<ModuleUnit>& units,
                                        std::set<std::string>& attrs_used,
                                        std::vector<std::string>& init) {
  return Placer(units, attrs_used, init).run();
}

}  // namespace nnport::writers::pytorch
