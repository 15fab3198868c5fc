// Tree-sitter wrappers: parser and tree ownership, node accessors, syntax-error location.
#include "syntax/tree.h"

#include <tree_sitter/api.h>

#include <array>
#include <unordered_map>

extern "C" const TSLanguage* tree_sitter_python(void);

namespace nnport::syntax {

namespace {

struct ParserDeleter {
  void operator()(TSParser* p) const { ts_parser_delete(p); }
};
struct TreeDeleter {
  void operator()(TSTree* t) const { ts_tree_delete(t); }
};

constexpr std::array kKindNames = {
    std::string_view("<other>"),
#define NNPORT_KIND(name, text) std::string_view(text),
#include "syntax/kinds.def"
#undef NNPORT_KIND
};

constexpr std::array kFieldNames = {
#define NNPORT_FIELD(name, text) std::string_view(text),
#include "syntax/kinds.def"
#undef NNPORT_FIELD
};

// Symbol and field ids resolved once. Several symbols may share a name (aliases), so the
// symbol table maps every named symbol of the language by its name.
struct Resolved {
  std::vector<Kind> kind_of_symbol;
  std::array<TSFieldId, kFieldNames.size()> field_ids{};

  Resolved() {
    const TSLanguage* lang = python_language();
    std::unordered_map<std::string_view, Kind> by_name;
    for (size_t i = 1; i < kKindNames.size(); ++i) by_name[kKindNames[i]] = static_cast<Kind>(i);
    const uint32_t count = ts_language_symbol_count(lang);
    kind_of_symbol.assign(count, Kind::Other);
    for (uint32_t s = 0; s < count; ++s) {
      const auto symbol = static_cast<TSSymbol>(s);
      if (ts_language_symbol_type(lang, symbol) != TSSymbolTypeRegular) continue;
      const char* name = ts_language_symbol_name(lang, symbol);
      if (name == nullptr) continue;
      if (auto it = by_name.find(name); it != by_name.end()) kind_of_symbol[s] = it->second;
    }
    for (size_t i = 0; i < kFieldNames.size(); ++i) {
      const auto& name = kFieldNames[i];
      field_ids[i] =
          ts_language_field_id_for_name(lang, name.data(), static_cast<uint32_t>(name.size()));
    }
  }
};

const Resolved& resolved() {
  static const Resolved table;
  return table;
}

}  // namespace

struct TreeData {
  std::string path;
  std::string source;
  std::unique_ptr<TSTree, TreeDeleter> tree;
};

// Converts between the Node view and tree-sitter's TSNode.
struct NodeAccess {
  static TSNode raw(const Node& n) {
    TSNode t{};
    if (n.data_ == nullptr) return t;
    for (int i = 0; i < 4; ++i) t.context[i] = n.context_[i];
    t.id = n.id_;
    t.tree = n.data_->tree.get();
    return t;
  }
  static Node wrap(const TreeData* data, TSNode t) {
    if (ts_node_is_null(t)) return Node();
    return Node(data, t.id, t.context);
  }
};

Node::Node(const TreeData* data, const void* id, uint32_t context[4]) : data_(data), id_(id) {
  for (int i = 0; i < 4; ++i) context_[i] = context[i];
}

const TSLanguage* python_language() { return tree_sitter_python(); }

std::string_view kind_name(Kind kind) { return kKindNames[static_cast<size_t>(kind)]; }

Kind Node::kind() const {
  if (null()) return Kind::Other;
  const TSNode t = NodeAccess::raw(*this);
  if (!ts_node_is_named(t)) return Kind::Other;
  const TSSymbol symbol = ts_node_symbol(t);
  const auto& table = resolved().kind_of_symbol;
  return symbol < table.size() ? table[symbol] : Kind::Other;
}

std::string_view Node::type() const {
  if (null()) return {};
  const char* name = ts_node_type(NodeAccess::raw(*this));
  return name ? std::string_view(name) : std::string_view();
}

bool Node::named() const { return !null() && ts_node_is_named(NodeAccess::raw(*this)); }
bool Node::is_missing() const { return !null() && ts_node_is_missing(NodeAccess::raw(*this)); }
bool Node::has_error() const { return !null() && ts_node_has_error(NodeAccess::raw(*this)); }
bool Node::is_error() const {
  return !null() && ts_node_symbol(NodeAccess::raw(*this)) == static_cast<TSSymbol>(-1);
}

uint32_t Node::child_count() const {
  return null() ? 0 : ts_node_child_count(NodeAccess::raw(*this));
}
Node Node::child(uint32_t index) const {
  if (null()) return {};
  return NodeAccess::wrap(data_, ts_node_child(NodeAccess::raw(*this), index));
}
uint32_t Node::named_child_count() const {
  return null() ? 0 : ts_node_named_child_count(NodeAccess::raw(*this));
}
Node Node::named_child(uint32_t index) const {
  if (null()) return {};
  return NodeAccess::wrap(data_, ts_node_named_child(NodeAccess::raw(*this), index));
}

std::vector<Node> Node::children() const {
  std::vector<Node> out;
  const uint32_t n = child_count();
  out.reserve(n);
  for (uint32_t i = 0; i < n; ++i) out.push_back(child(i));
  return out;
}

std::vector<Node> Node::named_children() const {
  std::vector<Node> out;
  const uint32_t n = named_child_count();
  for (uint32_t i = 0; i < n; ++i) {
    Node c = named_child(i);
    if (!c.is(Kind::Comment)) out.push_back(c);
  }
  return out;
}

Node Node::field(Field f) const {
  if (null()) return {};
  const TSFieldId id = resolved().field_ids[static_cast<size_t>(f)];
  if (id == 0) return {};
  return NodeAccess::wrap(data_, ts_node_child_by_field_id(NodeAccess::raw(*this), id));
}

std::vector<Node> Node::fields(Field f) const {
  std::vector<Node> out;
  if (null()) return out;
  const TSFieldId id = resolved().field_ids[static_cast<size_t>(f)];
  if (id == 0) return out;
  TSTreeCursor cursor = ts_tree_cursor_new(NodeAccess::raw(*this));
  if (ts_tree_cursor_goto_first_child(&cursor)) {
    do {
      if (ts_tree_cursor_current_field_id(&cursor) == id)
        out.push_back(NodeAccess::wrap(data_, ts_tree_cursor_current_node(&cursor)));
    } while (ts_tree_cursor_goto_next_sibling(&cursor));
  }
  ts_tree_cursor_delete(&cursor);
  return out;
}

Node Node::parent() const {
  if (null()) return {};
  return NodeAccess::wrap(data_, ts_node_parent(NodeAccess::raw(*this)));
}

uint32_t Node::start_byte() const {
  return null() ? 0 : ts_node_start_byte(NodeAccess::raw(*this));
}
uint32_t Node::end_byte() const { return null() ? 0 : ts_node_end_byte(NodeAccess::raw(*this)); }

std::string_view Node::text() const {
  if (null()) return {};
  const std::string& src = data_->source;
  const size_t begin = start_byte();
  const size_t end = end_byte();
  if (begin > end || end > src.size()) return {};
  return std::string_view(src).substr(begin, end - begin);
}

uint32_t Node::line() const {
  return null() ? 0 : ts_node_start_point(NodeAccess::raw(*this)).row + 1;
}
uint32_t Node::column() const {
  return null() ? 0 : ts_node_start_point(NodeAccess::raw(*this)).column + 1;
}

SourceLocation Node::location() const {
  if (null()) return SourceLocation::unknown();
  return SourceLocation{data_->path, line(), column()};
}

bool operator==(const Node& a, const Node& b) { return a.data_ == b.data_ && a.id_ == b.id_; }

std::optional<Tree> Tree::parse_python(std::string path, std::string_view source) {
  std::unique_ptr<TSParser, ParserDeleter> parser(ts_parser_new());
  if (!parser || !ts_parser_set_language(parser.get(), python_language())) return std::nullopt;
  Tree tree;
  tree.data_ = std::make_unique<TreeData>();
  tree.data_->path = std::move(path);
  tree.data_->source = std::string(source);
  // tree-sitter lengths are 32-bit; larger inputs are refused rather than truncated.
  if (tree.data_->source.size() > UINT32_MAX / 2) return std::nullopt;
  const auto& src = tree.data_->source;
  TSTree* raw =
      ts_parser_parse_string(parser.get(), nullptr, src.data(), static_cast<uint32_t>(src.size()));
  if (raw == nullptr) return std::nullopt;
  tree.data_->tree.reset(raw);
  return tree;
}

Tree::Tree(Tree&&) noexcept = default;
Tree& Tree::operator=(Tree&&) noexcept = default;
Tree::~Tree() = default;

Node Tree::root() const {
  return NodeAccess::wrap(data_.get(), ts_tree_root_node(data_->tree.get()));
}
const std::string& Tree::path() const { return data_->path; }
const std::string& Tree::source() const { return data_->source; }

namespace {

// The first ERROR or MISSING node in document order; iterative so deep nesting cannot
// overflow the stack.
Node find_first_error(Node root) {
  Node current = root;
  if (!current.has_error()) return {};
  while (true) {
    if (current.is_error() || current.is_missing()) return current;
    Node next;
    const uint32_t n = current.child_count();
    for (uint32_t i = 0; i < n; ++i) {
      Node c = current.child(i);
      if (c.is_error() || c.is_missing() || c.has_error()) {
        next = c;
        break;
      }
    }
    if (next.null()) return current;  // has_error but no erroneous child: blame this node
    current = next;
  }
}

}  // namespace

std::optional<SourceLocation> Tree::first_error() const {
  Node bad = find_first_error(root());
  if (bad.null()) return std::nullopt;
  return bad.location();
}

std::string Tree::first_error_text() const {
  Node bad = find_first_error(root());
  if (bad.null()) return {};
  if (bad.is_missing()) return "missing '" + std::string(bad.type()) + "'";
  std::string_view text = bad.text();
  const size_t newline = text.find('\n');
  if (newline != std::string_view::npos) text = text.substr(0, newline);
  if (text.size() > 40) text = text.substr(0, 40);
  if (text.empty()) return "invalid syntax";
  return "invalid syntax near '" + std::string(text) + "'";
}

namespace {

bool is_main_guard(Node stmt) {
  if (!stmt.is(Kind::IfStatement)) return false;
  const std::string_view condition = stmt.field(Field::Condition).text();
  return condition.find("__name__") != std::string_view::npos &&
         condition.find("__main__") != std::string_view::npos;
}

}  // namespace

std::vector<Node> module_statements(Node module) {
  std::vector<Node> out;
  for (Node stmt : module.named_children()) {
    if (!is_main_guard(stmt)) {
      out.push_back(stmt);
      continue;
    }
    for (Node inner : stmt.field(Field::Consequence).named_children()) out.push_back(inner);
  }
  return out;
}

bool is_module_statement(Node stmt) {
  Node parent = stmt.parent();
  if (parent.is(Kind::Module)) return true;
  // The body block of a main guard at module level.
  Node guard = parent.parent();
  return is_main_guard(guard) && guard.field(Field::Consequence) == parent &&
         guard.parent().is(Kind::Module);
}

}  // namespace nnport::syntax
