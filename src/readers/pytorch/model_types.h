// Internal types of the PyTorch reader: classes found in the file, module objects built by
// statically running __init__, and the shared reading context.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "frameworks/pytorch/table.h"
#include "pivot/graph.h"
#include "readers/pytorch/imports.h"
#include "readers/pytorch/reader.h"
#include "support/diagnostics.h"
#include "syntax/evaluator.h"
#include "syntax/tree.h"

namespace nnport::readers::pytorch {

using frameworks::pytorch::BoundArgs;
using syntax::Constant;
using syntax::Node;

struct ClassInfo {
  std::string name;
  Node node;
  std::vector<Node> bases;               // superclass expressions
  const ClassInfo* user_base = nullptr;  // first base that is a class of this file
  bool is_module = false;                // derives from torch.nn.Module
  std::map<std::string, Node> methods;   // own function definitions by name

  // Looks a method up through user base classes.
  Node method(const std::string& method_name) const;
};

struct Instance;
using InstancePtr = std::shared_ptr<Instance>;

// A member of a module object: another module, a constant, or something the reader could not
// evaluate (reported when forward() uses it).
struct Member {
  InstancePtr module;
  std::optional<Constant> constant;
  std::string unknown_reason;
  SourceLocation location;
  // nn.Parameter / registered buffer: in the state_dict, so only its shape is evaluated.
  std::optional<std::vector<int64_t>> stored_shape = {};
  bool buffer = false;  // stored by register_buffer: in the state_dict, not trained
};

// A module object created by a constructor call in __init__ (or at module level).
struct Instance {
  enum class Kind { Layer, Sequential, ModuleList, User, Unsupported };
  Kind kind = Kind::Unsupported;
  std::string path;  // state_dict prefix relative to the owning definition; empty until bound
  SourceLocation created;
  std::string text;  // the constructor call's source

  // Layer
  const frameworks::pytorch::OpRow* row = nullptr;
  pivot::Attrs attrs;
  bool is_dict = false;  // ModuleList kind built by nn.ModuleDict: iterating yields the keys
  // Sequential / ModuleList children, named "0", "1", ... or by OrderedDict keys
  std::vector<std::pair<std::string, InstancePtr>> children;
  // User class instance
  const ClassInfo* cls = nullptr;
  BoundArgs args;
  std::map<std::string, Member> members;
  // A built-in composite expanded by the reader ("TransformerEncoderLayer",
  // "TransformerEncoder"; transformer_modules.cc): kind ModuleList holding its submodules.
  std::string composite = {};
  // Unsupported: what was reported at creation
  Code code = Code::UnsupportedLayer;
  std::string message;
};

// Everything shared while reading one file.
struct Context {
  std::string path;
  const syntax::Tree* tree = nullptr;
  DiagnosticEngine* diags = nullptr;
  ImportTable imports;
  syntax::Scope globals;  // module-level constants
  std::map<std::string, ClassInfo> classes;
  std::map<std::string, Node> functions;  // module-level def by name
  pivot::Model* model = nullptr;
  // Definition cache: key (class + constructor args) -> index in model->modules.
  std::map<std::string, size_t> definitions;
  std::map<std::string, int> definition_names;  // class name -> uses, for unique def names
  std::map<std::string, bool> returns_tuple;    // definition name -> forward returns a tuple
  int depth = 0;                                // nesting of instantiation/tracing
  // Bounds on static execution of __init__, so recursive or explosive construction code ends
  // with a diagnostic instead of running for ever: classes being constructed (a class that
  // constructs itself is recursive), and statements executed so far.
  std::set<const ClassInfo*> constructing;
  size_t init_statements = 0;
  bool init_budget_reported = false;
  // The same bound for tracing forward(): statements executed, over all inlined calls.
  size_t trace_statements = 0;
  bool trace_budget_reported = false;
};

inline constexpr int kMaxNesting = 48;

// Binds call arguments (already constant) against a table row and converts them into
// attributes. Reports unsupported-argument / not-constant at the argument; false on failure.
bool bind_row(const frameworks::pytorch::OpRow& row, const std::vector<Constant>& positional,
              const std::vector<std::pair<std::string, Constant>>& keywords,
              const std::vector<SourceLocation>& positional_locs,
              const std::map<std::string, SourceLocation>& keyword_locs,
              const SourceLocation& call_loc, const std::string& what, DiagnosticEngine& diags,
              pivot::Attrs& attrs, BoundArgs* bound = nullptr);

}  // namespace nnport::readers::pytorch
