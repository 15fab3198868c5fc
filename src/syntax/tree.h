// A small C++ view over tree-sitter's Python parser: RAII owners for the parser and the tree,
// a cheap node handle (kinds and fields resolved once to enums), 1-based source locations.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/source_location.h"

struct TSLanguage;
struct TSParser;
struct TSTree;

namespace nnport::syntax {

enum class Kind : uint16_t {
  Other,  // any node kind the project does not name
#define NNPORT_KIND(name, text) name,
#include "syntax/kinds.def"
#undef NNPORT_KIND
};

enum class Field : uint16_t {
#define NNPORT_FIELD(name, text) name,
#include "syntax/kinds.def"
#undef NNPORT_FIELD
};

class Tree;
struct TreeData;

// A node of a parsed tree. Cheap to copy; valid while its Tree lives. A default-constructed
// node is null: every accessor of a null node returns a null node, an empty text, or false.
class Node {
 public:
  Node() = default;

  bool null() const { return data_ == nullptr; }
  explicit operator bool() const { return data_ != nullptr; }

  Kind kind() const;
  bool is(Kind k) const { return !null() && kind() == k; }
  std::string_view type() const;  // grammar name ("call", "+", ...)
  bool named() const;
  bool is_error() const;    // an ERROR node
  bool is_missing() const;  // a node the parser inserted to recover
  bool has_error() const;   // this node or a descendant is ERROR/MISSING

  uint32_t child_count() const;
  Node child(uint32_t index) const;
  uint32_t named_child_count() const;
  Node named_child(uint32_t index) const;
  std::vector<Node> children() const;
  std::vector<Node> named_children() const;  // comments excluded
  Node field(Field f) const;                 // first child under that field
  std::vector<Node> fields(Field f) const;   // all children under that field, in order
  Node parent() const;

  std::string_view text() const;  // the node's source slice
  uint32_t line() const;          // 1-based
  uint32_t column() const;        // 1-based, in bytes
  SourceLocation location() const;
  uint32_t start_byte() const;
  uint32_t end_byte() const;

  friend bool operator==(const Node& a, const Node& b);

 private:
  friend class Tree;
  Node(const TreeData* data, const void* id, uint32_t context[4]);
  // The raw TSNode fields (copied so the header needs no tree-sitter include).
  const TreeData* data_ = nullptr;
  uint32_t context_[4] = {0, 0, 0, 0};
  const void* id_ = nullptr;

  friend struct NodeAccess;
};

// A parsed file. Owns the source text and the tree-sitter tree; movable, not copyable.
class Tree {
 public:
  // Parses Python source. Never fails on bad syntax (the tree then holds ERROR nodes); returns
  // nullopt only when tree-sitter itself gives up (out of memory, cancelled).
  static std::optional<Tree> parse_python(std::string path, std::string_view source);

  Tree(Tree&&) noexcept;
  Tree& operator=(Tree&&) noexcept;
  ~Tree();

  Node root() const;
  const std::string& path() const;
  const std::string& source() const;
  // Location of the first ERROR or MISSING node in document order, when there is one.
  std::optional<SourceLocation> first_error() const;
  std::string first_error_text() const;  // a short description for the diagnostic

 private:
  Tree() = default;
  std::unique_ptr<TreeData> data_;
};

// The statements a module runs at its top level, in order: its own, with the body of an
// `if __name__ == "__main__":` block in place of the block (a script's entry point is still
// module-level code: `model = build_model(16)` there binds a model as it would outside).
std::vector<Node> module_statements(Node module);
// Whether `stmt` is one of its module's module_statements.
bool is_module_statement(Node stmt);

// The grammar (compiled from tree-sitter-python) and name <-> enum resolution.
const TSLanguage* python_language();
std::string_view kind_name(Kind kind);

}  // namespace nnport::syntax
