// The layer attributes of the generated module, nested as the source's modules were (internal to
// the PyTorch writer): the layer of module "layer1.conv1" becomes item "conv1" of a container
// attribute "layer1", so the state_dict keys are the source's ("layer1.conv1.weight").
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace nnport::writers::pytorch {

// A Python expression built from calls and displays, wrapped the way black does when it does not
// fit: `f(a, b)`, then the arguments on one indented line, then one item per line.
struct PyItem;

struct PyExpr {
  std::string atom;  // plain text, when `open` is empty
  std::string open;  // "nn.Conv2d(", "{", "["
  std::string close;
  // std::vector (unlike std::pair) may hold the type being defined.
  std::vector<PyItem> items;
  bool display = false;  // a dict or list display: never on one hanging line

  static PyExpr text(std::string t);
  static PyExpr call(const std::string& callee, std::vector<PyExpr> args);
};

// One item of a call or display: its key prefix ("\"conv1\": ", or "") and the item.
struct PyItem {
  PyItem(std::string key, PyExpr value) : first(std::move(key)), second(std::move(value)) {}
  std::string first;
  PyExpr second;
};

// `prefix` + the expression at `indent` spaces within `width` columns.
std::string render_expr(const std::string& prefix, const PyExpr& e, size_t indent,
                        size_t width = 100);

struct ModuleUnit {
  std::string path;  // source module path, '.'-separated ("layer1.conv1", "features")
  PyExpr constructor;
};

struct PlacedModule {
  std::string key;  // state_dict prefix: "layer1.conv1", "blocks.0.fc1"
  std::string ref;  // Python reference: "self.layer1.conv1", "self.blocks[0].fc1"
};

// Places `units` (in source order) under their paths: containers are an nn.ModuleList when their
// items are 0..n-1, else an nn.ModuleDict. The units of a top-level name whose paths cannot form
// such a tree (a unit with items of its own, a name PyTorch reserves) get one flat attribute each
// ("layer1_conv1"). Appends the __init__ lines to `init`; `attrs_used` holds the taken names.
std::vector<PlacedModule> place_modules(const std::vector<ModuleUnit>& units,
                                        std::set<std::string>& attrs_used,
                                        std::vector<std::string>& init);

}  // namespace nnport::writers::pytorch
