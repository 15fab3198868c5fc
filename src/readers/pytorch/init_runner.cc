// __init__ runner (see init_runner.h). Constants go through the syntax evaluator; module
// constructions are matched against the PyTorch layer table.
#include "readers/pytorch/init_runner.h"

#include <cctype>

#include "readers/pytorch/init_tensors.h"
#include "readers/pytorch/placement.h"
#include "readers/pytorch/transformer_modules.h"

namespace nnport::readers::pytorch {

// Enough for very deep real models (loops that build hundreds of blocks), small enough to end
// quickly on recursive construction code.
constexpr size_t kMaxInitStatements = 20000;

using syntax::Field;
using syntax::Kind;

namespace {

constexpr size_t kMaxUnroll = 1024;

struct InitValue {
  enum class Kind { Unknown, Const, Module, Modules, Tensor };
  Kind kind = Kind::Unknown;
  InitTensor tensor;  // Tensor: its shape (values come from the checkpoint)
  Constant constant;
  InstancePtr module;
  std::vector<InstancePtr> modules;
  std::vector<std::string> keys;  // Modules from a dict: one key per module
  std::string reason;
  Node where;

  static InitValue unknown(Node where, std::string reason) {
    InitValue v;
    v.where = where;
    v.reason = std::move(reason);
    return v;
  }
  static InitValue of(Constant c) {
    InitValue v;
    v.kind = Kind::Const;
    v.constant = std::move(c);
    return v;
  }
  static InitValue of(InstancePtr m) {
    InitValue v;
    v.kind = Kind::Module;
    v.module = std::move(m);
    return v;
  }
};

InstancePtr unsupported_instance(Node call, Code code, std::string message) {
  auto inst = std::make_shared<Instance>();
  inst->kind = Instance::Kind::Unsupported;
  inst->created = call.location();
  inst->text = std::string(call.text());
  inst->code = code;
  inst->message = std::move(message);
  return inst;
}

// Binds a def's parameters (after `self`) from constant arguments and evaluated defaults.
std::optional<BoundArgs> bind_signature(Context& ctx, Node function,
                                        std::vector<Constant> positional,
                                        std::vector<std::pair<std::string, Constant>> keywords,
                                        const SourceLocation& call_loc, bool defaults_only,
                                        size_t first_param = 1) {
  BoundArgs bound;
  std::vector<Node> params = function.field(Field::Parameters).named_children();
  size_t next_positional = 0;
  bool ok = true;
  for (size_t i = first_param; i < params.size(); ++i) {  // methods: params[0] is self
    Node p = params[i];
    Node name_node;
    Node default_node;
    if (p.is(Kind::Identifier))
      name_node = p;
    else if (p.is(Kind::DefaultParameter) || p.is(Kind::TypedDefaultParameter)) {
      name_node = p.field(Field::Name);
      default_node = p.field(Field::Value);
    } else if (p.is(Kind::TypedParameter)) {
      name_node = p.named_child(0);
      if (!name_node.is(Kind::Identifier)) name_node = {};
    } else if (p.is(Kind::ListSplatPattern) || p.is(Kind::DictionarySplatPattern) ||
               (p.is(Kind::TypedParameter) && !name_node)) {
      // *args / **kwargs receive nothing the reader tracks; extra arguments are reported below.
      continue;
    }
    if (!name_node.is(Kind::Identifier)) continue;
    const std::string name(name_node.text());
    std::optional<Constant> value;
    if (!defaults_only && next_positional < positional.size()) {
      value = positional[next_positional++];
    }
    for (auto& [key, kv] : keywords)
      if (key == name) value = kv;
    if (!value && default_node) {
      syntax::ConstEvaluator evaluator(ctx.globals);
      value = evaluator.eval(default_node);
      if (!value) {
        ctx.diags->error(Code::NotConstant, default_node.location())
            << "default of '" << name << "' is not a constant: " << evaluator.error().reason;
        ok = false;
        continue;
      }
    }
    if (!value) {
      if (defaults_only)
        ctx.diags->error(Code::NotConstant, name_node.location())
            << "constructor argument '" << name
            << "' has no default; nnport needs constant constructor arguments";
      else
        ctx.diags->error(Code::NotConstant, call_loc)
            << "constructor argument '" << name << "' is not given";
      ok = false;
      continue;
    }
    bound[name] = std::move(*value);
  }
  if (!ok) return std::nullopt;
  return bound;
}

class InitRunner {
 public:
  InitRunner(Context& ctx, Instance& self) : ctx_(ctx), self_(self), scope_(&ctx.globals) {}

  void run(const ClassInfo& cls, const BoundArgs& args) {
    Node init = cls.method("__init__");
    if (!init) return;  // nn.Module's own __init__: nothing to build
    for (const auto& [name, value] : args) scope_.bind(name, value);
    std::vector<Node> params = init.field(Field::Parameters).named_children();
    if (!params.empty() && params[0].is(Kind::Identifier))
      self_name_ = std::string(params[0].text());
    run_block(init.field(Field::Body), 0);
  }

  // A builder function has no `self`: no name may be taken for it.
  void self_name_for_builder() { self_name_.clear(); }

  // Runs a module-level builder function's body; the module it returns, or null.
  InstancePtr run_builder(Node function, const BoundArgs& args) {
    for (const auto& [name, value] : args) scope_.bind(name, value);
    builder_ = true;
    run_block(function.field(Field::Body), 0);
    return returned_;
  }

 private:
  syntax::ConstEvaluator evaluator() {
    return syntax::ConstEvaluator(scope_, [this](Node n) -> std::optional<Constant> {
      if (n.is(Kind::Attribute) && is_self(n.field(Field::Object))) {
        auto it = self_.members.find(std::string(n.field(Field::Attribute).text()));
        if (it != self_.members.end() && it->second.constant) return it->second.constant;
      }
      return placement_constant(ctx_.imports, n);
    });
  }

  bool is_self(Node n) const { return n.is(Kind::Identifier) && n.text() == self_name_; }

  // Whether a block only initialises weights: nn.init.* calls, in-place initializers of
  // .weight/.bias, `pass`, and ifs (any condition) over such blocks.
  bool init_only_block(Node block, int depth) const {
    if (depth > 16) return false;
    for (Node stmt : block.named_children()) {
      if (stmt.is(Kind::PassStatement) || stmt.type() == "comment") continue;
      if (stmt.is(Kind::ExpressionStatement)) {
        Node call = stmt.named_child(0);
        if (!call.is(Kind::Call) || !call.field(Field::Function).is(Kind::Attribute)) return false;
        Node fn = call.field(Field::Function);
        auto q = ctx_.imports.qualify(fn);
        if (q && q->rfind("torch.nn.init.", 0) == 0) continue;
        if (is_parameter_init(fn.field(Field::Object),
                              std::string(fn.field(Field::Attribute).text())))
          continue;
        return false;
      }
      if (stmt.is(Kind::IfStatement)) {
        if (!init_only_block(stmt.field(Field::Consequence), depth + 1)) return false;
        for (Node alt : stmt.fields(Field::Alternative)) {
          Node body = alt.field(Field::Consequence) ? alt.field(Field::Consequence)
                                                    : alt.field(Field::Body);
          if (!body || !init_only_block(body, depth + 1)) return false;
        }
        continue;
      }
      return false;
    }
    return true;
  }

  // `<x>.weight[.data].<init>_(...)` / `<x>.bias[.data].<init>_(...)`: an in-place initializer.
  static bool is_parameter_init(Node obj, const std::string& method) {
    static const char* kInit[] = {"uniform_", "normal_", "zero_", "fill_", "constant_"};
    bool init = false;
    for (const char* k : kInit) init = init || method == k;
    if (!init || !obj.is(Kind::Attribute)) return false;
    if (obj.field(Field::Attribute).text() == "data") obj = obj.field(Field::Object);
    if (!obj.is(Kind::Attribute)) return false;
    const std::string_view leaf = obj.field(Field::Attribute).text();
    return leaf == "weight" || leaf == "bias";
  }

  void run_block(Node block, int depth) {
    if (depth > 32) {
      ctx_.diags->error(Code::UnsupportedSyntax, block.location()) << "__init__ nested too deeply";
      return;
    }
    for (Node stmt : block.named_children()) {
      if (returned_ || stopped_) return;
      run_statement(stmt, depth);
    }
  }

  void run_statement(Node stmt, int depth) {
    if (++ctx_.init_statements > kMaxInitStatements) {
      if (!ctx_.init_budget_reported)
        ctx_.diags->error(Code::UnsupportedSyntax, stmt.location())
            << "building the model runs more than " << kMaxInitStatements
            << " statements; nnport stops here (recursive or explosive construction code?)";
      ctx_.init_budget_reported = true;
      stopped_ = true;
      return;
    }
    switch (stmt.kind()) {
      case Kind::PassStatement: return;
      case Kind::ExpressionStatement: {
        Node e = stmt.named_child(0);
        if (e.is(Kind::Assignment)) return assign(e);
        if (e.is(Kind::AugmentedAssignment)) return augmented(e);
        if (e.is(Kind::String) || e.is(Kind::ConcatenatedString)) return;  // docstring
        if (e.is(Kind::Call)) return call_statement(e);
        ctx_.diags->error(Code::UnsupportedSyntax, e.location())
            << "statement in __init__ not understood: " << e.text().substr(0, 60);
        return;
      }
      case Kind::IfStatement: return if_statement(stmt, depth);
      case Kind::ReturnStatement:
        if (builder_) return return_statement(stmt);
        break;
      case Kind::ForStatement: return for_statement(stmt, depth);
      default: break;
    }
    if (stmt.type() == "assert_statement") return;  // checks do not build anything
    ctx_.diags->error(Code::UnsupportedSyntax, stmt.location())
        << "'" << stmt.type() << "' in __init__ cannot be followed statically";
  }

  void return_statement(Node stmt) {
    stopped_ = true;
    Node value = stmt.named_child(0);
    InitValue v = value ? eval(value) : InitValue::unknown(stmt, "returns nothing");
    if (v.kind == InitValue::Kind::Module) {
      returned_ = v.module;
      return;
    }
    if (quiet_return_) {  // a helper method: its caller reports what it cannot use
      returned_value_ = v;
      return;
    }
    ctx_.diags->error(Code::NoModelFound, stmt.location())
        << "the builder function does not return a module nnport can build";
  }

  void if_statement(Node stmt, int depth) {
    Node cond = stmt.field(Field::Condition);
    auto ev = evaluator();
    auto value = ev.eval(cond);
    if (!value) {
      ctx_.diags->error(Code::NotConstant, cond.location())
          << "if condition in __init__ is not constant: " << ev.error().reason;
      return;
    }
    if (value->truthy()) return run_block(stmt.field(Field::Consequence), depth + 1);
    for (Node alt : stmt.fields(Field::Alternative)) {
      if (alt.is(Kind::ElseClause)) return run_block(alt.field(Field::Body), depth + 1);
      Node c = alt.field(Field::Condition);
      auto ev2 = evaluator();
      auto v = ev2.eval(c);
      if (!v) {
        ctx_.diags->error(Code::NotConstant, c.location())
            << "elif condition in __init__ is not constant: " << ev2.error().reason;
        return;
      }
      if (v->truthy()) return run_block(alt.field(Field::Consequence), depth + 1);
    }
  }

  void for_statement(Node stmt, int depth) {
    Node left = stmt.field(Field::Left);
    Node right = stmt.field(Field::Right);
    // `for name, p in self.lstm.named_parameters(): nn.init.orthogonal_(p)`: a loop over
    // parameters can only initialise or freeze them; transferred weights replace any
    // initialisation and freezing does not change inference, so the loop is skipped.
    if (right.is(Kind::Call) && right.field(Field::Function).is(Kind::Attribute)) {
      const auto method = right.field(Field::Function).field(Field::Attribute).text();
      if (method == "parameters" || method == "named_parameters") {
        ctx_.diags->note(Code::TrainingOnly, stmt.location())
            << "loop over " << method << "() in __init__ skipped (parameter initialisation; "
            << "trained weights are transferred)";
        return;
      }
      // `for m in self.modules(): if isinstance(m, nn.Conv2d): nn.init.kaiming_normal_(m.weight)`
      // is skipped the same way when its body only initialises weights.
      if ((method == "modules" || method == "children" || method == "named_modules" ||
           method == "named_children") &&
          init_only_block(stmt.field(Field::Body), 0)) {
        ctx_.diags->note(Code::TrainingOnly, stmt.location())
            << "loop over " << method << "() in __init__ skipped (weight initialisation; "
            << "trained weights are transferred)";
        return;
      }
    }
    auto seq = constant_sequence(right);
    const bool target_ok =
        left.is(Kind::Identifier) || left.is(Kind::PatternList) || left.is(Kind::TuplePattern);
    if (!target_ok || !seq || seq->items.size() > kMaxUnroll || stmt.field(Field::Alternative)) {
      ctx_.diags->error(Code::UnsupportedSyntax, stmt.location())
          << "for loop in __init__ is not over a constant sequence";
      return;
    }
    for (const auto& item : seq->items) {
      bind_target(left, InitValue::of(item));
      if (stopped_) return;
      run_block(stmt.field(Field::Body), depth + 1);
    }
  }

  void bind_target(Node target, InitValue value) {
    if (target.is(Kind::Attribute) && is_self(target.field(Field::Object))) {
      const std::string name(target.field(Field::Attribute).text());
      set_member(name, std::move(value), target);
      return;
    }
    if (target.is(Kind::Subscript) && value.kind == InitValue::Kind::Module) {
      // self.heads["cls"] = nn.Linear(...) on an nn.ModuleDict member
      Node holder = target.field(Field::Value);
      auto ev = evaluator();
      auto key = ev.eval(target.field(Field::Subscript));
      if (holder.is(Kind::Attribute) && is_self(holder.field(Field::Object)) && key &&
          key->is_string()) {
        auto it = self_.members.find(std::string(holder.field(Field::Attribute).text()));
        if (it != self_.members.end() && it->second.module && it->second.module->is_dict) {
          add_child(*it->second.module, key->s, value.module);
          return;
        }
      }
    }
    if (target.is(Kind::Subscript) && value.kind == InitValue::Kind::Tensor &&
        target.field(Field::Value).is(Kind::Identifier)) {
      // pe[:, 0::2] = torch.sin(...): fills values of a local tensor; its shape stays.
      auto it = module_locals_.find(std::string(target.field(Field::Value).text()));
      if (it != module_locals_.end() && it->second.kind == InitValue::Kind::Tensor) return;
    }
    if (target.is(Kind::Identifier)) {
      const std::string name(target.text());
      module_locals_.erase(name);
      scope_.unbind(name);
      if (value.kind == InitValue::Kind::Const)
        scope_.bind(name, value.constant);
      else
        module_locals_[name] = std::move(value);
      return;
    }
    if ((target.is(Kind::PatternList) || target.is(Kind::TuplePattern)) &&
        value.kind == InitValue::Kind::Const && value.constant.is_sequence()) {
      auto targets = target.named_children();
      if (targets.size() == value.constant.items.size()) {
        for (size_t i = 0; i < targets.size(); ++i)
          bind_target(targets[i], InitValue::of(value.constant.items[i]));
        return;
      }
    }
    ctx_.diags->error(Code::UnsupportedSyntax, target.location())
        << "assignment target in __init__ not understood: " << target.text().substr(0, 60);
  }

  void set_member(const std::string& name, InitValue value, Node where) {
    Member m;
    m.location = where.location();
    if (value.kind == InitValue::Kind::Module) {
      assign_paths(*value.module, name);
      m.module = value.module;
    } else if (value.kind == InitValue::Kind::Modules) {
      // A plain list of modules is not registered by PyTorch; keep it usable in forward.
      auto list = std::make_shared<Instance>();
      list->kind = Instance::Kind::ModuleList;
      list->created = where.location();
      for (size_t i = 0; i < value.modules.size(); ++i)
        list->children.emplace_back(std::to_string(i), value.modules[i]);
      m.module = list;
    } else if (value.kind == InitValue::Kind::Const) {
      m.constant = value.constant;
    } else if (value.kind == InitValue::Kind::Tensor) {
      if (value.tensor.parameter) {
        m.stored_shape = value.tensor.shape;
        m.buffer = value.tensor.buffer;
      } else
        m.unknown_reason =
            "a tensor attribute that is neither an nn.Parameter nor a registered "
            "buffer is not in the state_dict";
    } else {
      m.unknown_reason = value.reason;
    }
    self_.members[name] = std::move(m);
  }

  void assign(Node e) {
    Node left = e.field(Field::Left);
    Node right = e.field(Field::Right);
    if ((left.is(Kind::PatternList) || left.is(Kind::TuplePattern)) &&
        (right.is(Kind::ExpressionList) || right.is(Kind::Tuple))) {
      auto targets = left.named_children();
      auto values = right.named_children();
      if (targets.size() == values.size()) {
        std::vector<InitValue> evaluated;
        for (Node v : values) evaluated.push_back(eval(v));
        for (size_t i = 0; i < targets.size(); ++i)
          bind_target(targets[i], std::move(evaluated[i]));
        return;
      }
    }
    if (right.is(Kind::Assignment)) {  // a = b = value
      assign(right);
      bind_target(left, eval(right.field(Field::Left)));
      return;
    }
    InitValue value = eval(right);
    if (value.kind == InitValue::Kind::Unknown && left.is(Kind::Attribute) &&
        is_self(left.field(Field::Object)) && !value.reason.empty() && right.is(Kind::Call)) {
      ctx_.diags->error(Code::UnsupportedOperation, right.location())
          << "cannot migrate '" << right.text().substr(0, 60) << "': " << value.reason;
    }
    bind_target(left, std::move(value));
  }

  void augmented(Node e) {
    Node left = e.field(Field::Left);
    Node right = e.field(Field::Right);
    if (left.is(Kind::Identifier)) {
      auto it = module_locals_.find(std::string(left.text()));
      if (it != module_locals_.end() && it->second.kind == InitValue::Kind::Modules) {
        InitValue extra = eval(right);
        if (extra.kind == InitValue::Kind::Modules) {
          for (auto& m : extra.modules) it->second.modules.push_back(m);
          return;
        }
      }
      auto ev = evaluator();
      auto current = scope_.lookup(left.text());
      auto rhs = ev.eval(right);
      std::string op(e.field(Field::Operator).type());
      if (current && rhs && op.size() >= 2) {
        op.pop_back();
        if (auto v = syntax::apply_binary(op, *current, *rhs)) {
          scope_.bind(std::string(left.text()), *v);
          return;
        }
      }
    }
    ctx_.diags->error(Code::UnsupportedSyntax, e.location())
        << "augmented assignment in __init__ not understood: " << e.text().substr(0, 60);
  }

  void call_statement(Node call) {
    Node fn = call.field(Field::Function);
    Node args = call.field(Field::Arguments);
    if (fn.is(Kind::Attribute)) {
      const std::string method(fn.field(Field::Attribute).text());
      Node obj = fn.field(Field::Object);
      // super().__init__(...), super(Net, self).__init__(), nn.Module.__init__(self)
      if (method == "__init__") return super_init(call, obj);
      if (obj.is(Kind::Identifier) && (method == "append" || method == "extend")) {
        auto it = module_locals_.find(std::string(obj.text()));
        auto items = args.named_children();
        if (it != module_locals_.end() && it->second.kind == InitValue::Kind::Modules &&
            items.size() == 1) {
          InitValue v = eval(items[0]);
          if (method == "append" && v.kind == InitValue::Kind::Module) {
            it->second.modules.push_back(v.module);
            return;
          }
          if (method == "extend" && v.kind == InitValue::Kind::Modules) {
            for (auto& m : v.modules) it->second.modules.push_back(m);
            return;
          }
        }
      }
      if (obj.is(Kind::Attribute) && is_self(obj.field(Field::Object)) &&
          (method == "append" || method == "extend" || method == "update"))
        if (append_to_member(obj, method, args)) return;
      if (is_self(obj) && (method == "register_buffer" || method == "register_parameter"))
        return register_stored(call, method);
      if (is_self(obj) && method == "add_module") {
        auto items = args.named_children();
        auto ev = evaluator();
        auto name = items.size() == 2 ? ev.eval(items[0]) : std::nullopt;
        if (name && name->is_string()) {
          set_member(name->s, eval(items[1]), call);
          return;
        }
      }
      // self._init_weights() / self.build_layers(): a helper method run as part of __init__.
      if (is_self(obj) && self_.cls && self_.cls->method(method) && method != "forward" &&
          !self_.members.count(method)) {
        auto v = helper_method(call);
        if (v && v->kind == InitValue::Kind::Unknown &&
            v->reason.find("does not return") == std::string::npos)
          ctx_.diags->error(Code::UnsupportedOperation, call.location())
              << "helper call in __init__ not migrated: " << call.text().substr(0, 60) << ": "
              << v->reason;
        return;
      }
      // self.fc.weight.data.uniform_(-r, r) / m.bias.data.zero_(): in-place initial values of a
      // parameter, which the converted weights replace.
      if (is_parameter_init(obj, method)) {
        ctx_.diags->warning(Code::TrainingOnly, call.location())
            << "'" << call.text().substr(0, 60)
            << "' only changes the initial weights; it is not migrated";
        return;
      }
      auto q = ctx_.imports.qualify(fn);
      if (q && q->rfind("torch.nn.init.", 0) == 0) {
        ctx_.diags->warning(Code::TrainingOnly, call.location())
            << "'" << *q << "' only changes the initial weights; it is not migrated";
        return;
      }
    }
    ctx_.diags->error(Code::UnsupportedOperation, call.location())
        << "call in __init__ not migrated: " << call.text().substr(0, 60);
  }

  void super_init(Node call, Node obj) {
    const ClassInfo* base = self_.cls ? self_.cls->user_base : nullptr;
    if (!base) return;  // nn.Module.__init__: nothing to build
    if (base_depth_ > 16) return;
    // A user base class: run its __init__ on the same object with the given arguments.
    std::vector<Constant> positional;
    std::vector<std::pair<std::string, Constant>> keywords;
    bool skip_self = obj.is(Kind::Attribute);  // Base.__init__(self, ...)
    for (Node a : call.field(Field::Arguments).named_children()) {
      if (skip_self) {
        skip_self = false;
        continue;
      }
      auto ev = evaluator();
      if (a.is(Kind::KeywordArgument)) {
        auto v = ev.eval(a.field(Field::Value));
        if (!v) return report_not_constant(a, ev);
        keywords.emplace_back(std::string(a.field(Field::Name).text()), *v);
      } else {
        auto v = ev.eval(a);
        if (!v) return report_not_constant(a, ev);
        positional.push_back(*v);
      }
    }
    Node base_init = base->method("__init__");
    if (!base_init) return;
    auto args = bind_signature(ctx_, base_init, positional, keywords, call.location(), false);
    if (!args) return;
    const ClassInfo* saved = self_.cls;
    self_.cls = base;
    InitRunner inner(ctx_, self_);
    inner.base_depth_ = base_depth_ + 1;
    inner.run(*base, *args);
    self_.cls = saved;
  }

  void report_not_constant(Node arg, const syntax::ConstEvaluator& ev) {
    const Node where = ev.error().node ? ev.error().node : arg;
    ctx_.diags->error(Code::NotConstant, where.location())
        << "argument is not a constant: " << ev.error().reason;
  }

 public:
  InitValue eval(Node expr) {
    // After the statement budget ran out nothing more is evaluated: every further step of a
    // recursive construction would only repeat the same failure, exponentially often.
    if (ctx_.init_budget_reported) return InitValue::unknown(expr, "construction stopped");
    if (expr.is(Kind::Identifier)) {
      auto it = module_locals_.find(std::string(expr.text()));
      if (it != module_locals_.end()) return it->second;
    }
    if (expr.is(Kind::Attribute) && is_self(expr.field(Field::Object))) {
      auto it = self_.members.find(std::string(expr.field(Field::Attribute).text()));
      if (it != self_.members.end()) {
        if (it->second.module) return InitValue::of(it->second.module);
        if (it->second.constant) return InitValue::of(*it->second.constant);
      }
    }
    if (expr.is(Kind::List) || expr.is(Kind::Tuple)) {
      InitValue list;
      list.kind = InitValue::Kind::Modules;
      bool all_modules = !expr.named_children().empty();
      for (Node item : expr.named_children()) {
        if (!item.is(Kind::Call) && !item.is(Kind::Identifier)) {
          all_modules = false;
          break;
        }
        InitValue v = eval(item);
        if (v.kind != InitValue::Kind::Module) {
          all_modules = false;
          break;
        }
        list.modules.push_back(v.module);
      }
      if (all_modules) return list;
      if (expr.named_children().empty() && expr.is(Kind::List)) {
        // An empty list may collect modules (layers = [] ... layers.append(...)).
        return list;
      }
    }
    if (expr.is(Kind::ListComprehension) || expr.type() == "dictionary_comprehension")
      return comprehension(expr);
    // self.device = torch.device(...) / self.use_cuda = torch.cuda.is_available() (placement.h)
    if (auto placement = placement_constant(ctx_.imports, expr)) return InitValue::of(*placement);
    if (auto tensor = init_tensor(expr)) return *tensor;
    if (expr.is(Kind::Call)) {
      if (auto helper = helper_method(expr)) return *helper;
      if (auto m = construct(expr)) return InitValue::of(m);
    }
    if (expr.is(Kind::ParenthesizedExpression) && expr.named_children().size() == 1)
      return eval(expr.named_children()[0]);
    if (expr.is(Kind::ConditionalExpression)) {
      // `nn.BatchNorm2d(c) if use_bn else nn.Identity()`: only the taken branch is built.
      auto parts = expr.named_children();
      auto ev = evaluator();
      auto cond = parts.size() == 3 ? ev.eval(parts[1]) : std::nullopt;
      if (cond) return eval(cond->truthy() ? parts[0] : parts[2]);
    }
    auto ev = evaluator();
    if (auto v = ev.eval(expr)) return InitValue::of(*v);
    return InitValue::unknown(expr, ev.error().reason);
  }

 private:
  // Collected call arguments, constants or modules.
  struct Args {
    std::vector<InitValue> positional;
    std::vector<SourceLocation> positional_locs;
    std::vector<std::pair<std::string, InitValue>> keywords;
    std::map<std::string, SourceLocation> keyword_locs;
  };

  Args collect_args(Node args_node) {
    Args out;
    for (Node a : args_node.named_children()) {
      if (a.is(Kind::KeywordArgument)) {
        const std::string name(a.field(Field::Name).text());
        out.keywords.emplace_back(name, eval(a.field(Field::Value)));
        out.keyword_locs[name] = a.location();
      } else if (a.is(Kind::ListSplat)) {
        InitValue v = eval(a.named_child(0));
        if (v.kind == InitValue::Kind::Modules) {
          for (auto& m : v.modules) {
            out.positional.push_back(InitValue::of(m));
            out.positional_locs.push_back(a.location());
          }
        } else if (v.kind == InitValue::Kind::Const && v.constant.is_sequence()) {
          for (auto& c : v.constant.items) {
            out.positional.push_back(InitValue::of(c));
            out.positional_locs.push_back(a.location());
          }
        } else {
          out.positional.push_back(InitValue::unknown(a, "cannot unpack this value statically"));
          out.positional_locs.push_back(a.location());
        }
      } else if (a.is(Kind::DictionarySplat)) {
        out.positional.push_back(InitValue::unknown(a, "**kwargs cannot be followed statically"));
        out.positional_locs.push_back(a.location());
      } else {
        out.positional.push_back(eval(a));
        out.positional_locs.push_back(a.location());
      }
    }
    return out;
  }

  // Constant view of arguments; reports the first non-constant one.
  bool constant_args(const Args& args, const std::string& what, std::vector<Constant>& positional,
                     std::vector<std::pair<std::string, Constant>>& keywords) {
    bool ok = true;
    auto check = [&](const InitValue& v, const SourceLocation& loc) {
      if (v.kind == InitValue::Kind::Const) return true;
      ctx_.diags->error(Code::NotConstant, v.where ? v.where.location() : loc)
          << "argument of " << what << " is not a constant"
          << (v.reason.empty() ? std::string() : ": " + v.reason);
      ok = false;
      return false;
    };
    for (size_t i = 0; i < args.positional.size(); ++i)
      if (check(args.positional[i], args.positional_locs[i]))
        positional.push_back(args.positional[i].constant);
    for (const auto& [name, v] : args.keywords)
      if (check(v, args.keyword_locs.at(name))) keywords.emplace_back(name, v.constant);
    return ok;
  }

  // A module construction, or null when `call` is not one.
  InstancePtr construct(Node call) {
    Node fn = call.field(Field::Function);
    Node args_node = call.field(Field::Arguments);
    if (!args_node.is(Kind::ArgumentList)) return nullptr;
    if (fn.is(Kind::Identifier) && !scope_.lookup(fn.text())) {
      auto cls = ctx_.classes.find(std::string(fn.text()));
      if (cls != ctx_.classes.end() && cls->second.is_module)
        return construct_user(call, cls->second);
      auto function = ctx_.functions.find(std::string(fn.text()));
      if (function != ctx_.functions.end() && !module_locals_.count(std::string(fn.text())))
        return construct_from_function(call, function->second);
    }
    std::optional<std::string> q;
    if (!(fn.is(Kind::Identifier) &&
          (scope_.lookup(fn.text()) || module_locals_.count(std::string(fn.text())))))
      q = ctx_.imports.qualify(fn);
    if (!q) return nullptr;
    if (*q == "torch.nn.Sequential" || *q == "torch.nn.ModuleList")
      return construct_container(call, *q);
    if (*q == "torch.nn.ModuleDict") return construct_dict(call);
    if (is_transformer_symbol(*q)) return construct_composite(call, *q);
    if (const auto* row = frameworks::pytorch::find_layer(*q))
      return construct_layer(call, *row, *q);
    if (q->rfind("torch.nn.", 0) == 0 && q->size() > 9 &&
        std::isupper(static_cast<unsigned char>((*q)[9])) && q->find('.', 9) == std::string::npos) {
      const std::string short_name = "nn." + q->substr(9);
      ctx_.diags->error(Code::UnsupportedLayer, call.location())
          << short_name << " is not supported yet";
      return unsupported_instance(call, Code::UnsupportedLayer,
                                  short_name + " is not supported yet");
    }
    return nullptr;
  }

  InstancePtr construct_layer(Node call, const frameworks::pytorch::OpRow& row,
                              const std::string& qualified) {
    const std::string what = "nn." + qualified.substr(qualified.rfind('.') + 1);
    Args args = collect_args(call.field(Field::Arguments));
    std::vector<Constant> positional;
    std::vector<std::pair<std::string, Constant>> keywords;
    if (!constant_args(args, what, positional, keywords))
      return unsupported_instance(call, Code::NotConstant, what + " has non-constant arguments");
    auto inst = std::make_shared<Instance>();
    inst->kind = Instance::Kind::Layer;
    inst->row = &row;
    inst->created = call.location();
    inst->text = std::string(call.text());
    if (!bind_row(row, positional, keywords, args.positional_locs, args.keyword_locs,
                  call.location(), what, *ctx_.diags, inst->attrs))
      return unsupported_instance(call, Code::UnsupportedArgument,
                                  what + " has arguments nnport cannot migrate");
    return inst;
  }

  InstancePtr construct_container(Node call, const std::string& qualified) {
    auto inst = std::make_shared<Instance>();
    const bool is_list = qualified == "torch.nn.ModuleList";
    inst->kind = is_list ? Instance::Kind::ModuleList : Instance::Kind::Sequential;
    inst->created = call.location();
    inst->text = std::string(call.text());
    std::vector<Node> raw = call.field(Field::Arguments).named_children();
    // nn.Sequential(OrderedDict([("conv", nn.Conv2d(...)), ...]))
    if (raw.size() == 1 && raw[0].is(Kind::Call)) {
      auto q = ctx_.imports.qualify(raw[0].field(Field::Function));
      const bool ordered = (q && *q == "collections.OrderedDict") ||
                           raw[0].field(Field::Function).text() == "OrderedDict";
      if (ordered) {
        auto inner = raw[0].field(Field::Arguments).named_children();
        if (inner.size() == 1 && (inner[0].is(Kind::List) || inner[0].is(Kind::Tuple))) {
          for (Node pair : inner[0].named_children()) {
            auto parts = pair.named_children();
            auto ev = evaluator();
            auto key = parts.size() == 2 ? ev.eval(parts[0]) : std::nullopt;
            InitValue v = parts.size() == 2 ? eval(parts[1]) : InitValue{};
            if (!key || !key->is_string() || v.kind != InitValue::Kind::Module) {
              ctx_.diags->error(Code::UnsupportedSyntax, pair.location())
                  << "OrderedDict entry is not a (name, module) pair nnport understands";
              continue;
            }
            inst->children.emplace_back(key->s, v.module);
          }
          return inst;
        }
      }
    }
    Args args = collect_args(call.field(Field::Arguments));
    std::vector<InitValue> items = args.positional;
    if (is_list && items.size() == 1 && items[0].kind == InitValue::Kind::Modules) {
      for (auto& m : items[0].modules)
        inst->children.emplace_back(std::to_string(inst->children.size()), m);
      return inst;
    }
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i].kind != InitValue::Kind::Module) {
        ctx_.diags->error(Code::UnsupportedSyntax, args.positional_locs[i])
            << "argument of " << (is_list ? "nn.ModuleList" : "nn.Sequential")
            << " is not a module nnport understands";
        auto bad = std::make_shared<Instance>();
        bad->kind = Instance::Kind::Unsupported;
        bad->created = args.positional_locs[i];
        bad->code = Code::UnsupportedSyntax;
        bad->message = "not a module";
        items[i] = InitValue::of(bad);
      }
      inst->children.emplace_back(std::to_string(inst->children.size()), items[i].module);
    }
    if (!args.keywords.empty())
      ctx_.diags->error(Code::UnsupportedArgument, call.location())
          << "keyword arguments of containers are not supported";
    return inst;
  }

  // --- stored tensors and composite modules (init_tensors.cc, transformer_modules.cc)

  // A tensor expression as InitValue (Tensor, or Unknown with the reason); nullopt otherwise.
  std::optional<InitValue> init_tensor(Node expr) {
    TensorLookup lookup = [this](std::string_view name) -> const InitTensor* {
      auto it = module_locals_.find(std::string(name));
      if (it == module_locals_.end() || it->second.kind != InitValue::Kind::Tensor) return nullptr;
      return &it->second.tensor;
    };
    ConstantEval constant = [this](Node n) { return evaluator().eval(n); };
    auto outcome = eval_init_tensor(ctx_.imports, expr, lookup, constant);
    if (!outcome) return std::nullopt;
    if (!outcome->tensor) return InitValue::unknown(expr, outcome->error);
    InitValue v;
    v.kind = InitValue::Kind::Tensor;
    v.tensor = *outcome->tensor;
    return v;
  }

  // self.register_buffer("pe", pe[, persistent=True]) / self.register_parameter("w", p).
  void register_stored(Node call, const std::string& method) {
    auto items = call.field(Field::Arguments).named_children();
    std::optional<Constant> name;
    InitValue value;
    bool persistent = true;
    size_t positional = 0;
    for (Node a : items) {
      if (a.is(Kind::KeywordArgument)) {
        const std::string key(a.field(Field::Name).text());
        auto v = evaluator().eval(a.field(Field::Value));
        if (key == "name")
          name = v;
        else if (key == "tensor" || key == "param")
          value = eval(a.field(Field::Value));
        else if (key == "persistent")
          persistent = v && v->truthy();
        continue;
      }
      if (positional == 0)
        name = evaluator().eval(a);
      else if (positional == 1)
        value = eval(a);
      else if (positional == 2) {
        auto v = evaluator().eval(a);
        persistent = v && v->truthy();
      }
      ++positional;
    }
    if (!name || !name->is_string() || value.kind != InitValue::Kind::Tensor || !persistent) {
      const std::string why =
          !persistent
              ? "a non-persistent buffer is not in the state_dict, so its values are unknown"
          : value.kind == InitValue::Kind::Unknown && !value.reason.empty()
              ? value.reason
              : "arguments not understood";
      ctx_.diags->error(Code::UnsupportedOperation, call.location())
          << "self." << method << "(...) not migrated: " << why;
      if (name && name->is_string()) set_member(name->s, InitValue::unknown(call, why), call);
      return;
    }
    // In the state_dict like a parameter; a (persistent) buffer is not trained. A non-persistent
    // one is reported above: its values are not in the checkpoint.
    value.tensor.parameter = true;
    value.tensor.buffer = method == "register_buffer";
    set_member(name->s, value, call);
  }

  // nn.TransformerEncoderLayer / nn.TransformerEncoder (arguments may be modules).
  InstancePtr construct_composite(Node call, const std::string& qualified) {
    std::vector<CtorArg> out;
    for (Node a : call.field(Field::Arguments).named_children()) {
      CtorArg arg;
      Node value = a;
      if (a.is(Kind::KeywordArgument)) {
        arg.name = std::string(a.field(Field::Name).text());
        value = a.field(Field::Value);
      }
      arg.node = value;
      InitValue v = eval(value);
      if (v.kind == InitValue::Kind::Const) arg.constant = v.constant;
      if (v.kind == InitValue::Kind::Module) arg.module = v.module;
      arg.reason = v.reason;
      out.push_back(std::move(arg));
    }
    return construct_transformer(ctx_, call, qualified, out);
  }

  // --- containers, comprehensions and helper methods of __init__

  // A constant sequence to iterate: a constant expression, or enumerate / zip / reversed of
  // constant sequences.
  std::optional<Constant> constant_sequence(Node expr) {
    Node fn = expr.is(Kind::Call) ? expr.field(Field::Function) : Node();
    if (fn.is(Kind::Identifier) && !scope_.lookup(fn.text()) &&
        (fn.text() == "enumerate" || fn.text() == "zip" || fn.text() == "reversed")) {
      std::vector<std::vector<Constant>> lists;
      for (Node a : expr.field(Field::Arguments).named_children()) {
        if (a.is(Kind::KeywordArgument)) return std::nullopt;
        auto seq = constant_sequence(a);
        if (!seq) return std::nullopt;
        lists.push_back(seq->items);
      }
      if (lists.empty() || (fn.text() != "zip" && lists.size() != 1)) return std::nullopt;
      std::vector<Constant> out;
      if (fn.text() == "reversed") return Constant::list({lists[0].rbegin(), lists[0].rend()});
      size_t n = lists[0].size();
      for (const auto& l : lists) n = std::min(n, l.size());
      for (size_t i = 0; i < n; ++i) {
        std::vector<Constant> row;
        if (fn.text() == "enumerate") row.push_back(Constant::integer(static_cast<int64_t>(i)));
        for (const auto& l : lists) row.push_back(l[i]);
        out.push_back(Constant::tuple(row));
      }
      return Constant::list(out);
    }
    auto ev = evaluator();
    auto v = ev.eval(expr);
    if (v && v->is_sequence()) return v;
    return std::nullopt;
  }

  // [Block(c) for c in chans], {k: nn.Linear(8, n) for k, n in heads.items()}: modules, keyed
  // modules or constants.
  InitValue comprehension(Node expr) {
    Node body = expr.field(Field::Body);
    std::vector<Node> clauses;
    for (Node c : expr.named_children())
      if (c.type() == "for_in_clause" || c.type() == "if_clause") clauses.push_back(c);
    InitValue modules;
    modules.kind = InitValue::Kind::Modules;
    std::vector<Constant> constants;
    std::string failure;
    auto run = [&](auto&& self, size_t level) -> void {
      if (!failure.empty()) return;
      if (level == clauses.size()) {
        Node value_node = body.is(Kind::Pair) ? body.field(Field::Value) : body;
        if (body.is(Kind::Pair)) {
          auto ev = evaluator();
          auto key = ev.eval(body.field(Field::Key));
          if (!key || !key->is_string()) {
            failure = "dict comprehension keys must be constant strings";
            return;
          }
          modules.keys.push_back(key->s);
        }
        InitValue v = eval(value_node);
        if (v.kind == InitValue::Kind::Module)
          modules.modules.push_back(v.module);
        else if (v.kind == InitValue::Kind::Const)
          constants.push_back(v.constant);
        else
          failure = v.reason.empty() ? "element is not a module or constant" : v.reason;
        return;
      }
      Node clause = clauses[level];
      if (clause.type() == "if_clause") {
        auto ev = evaluator();
        auto c = ev.eval(clause.named_child(0));
        if (!c) {
          failure = "comprehension condition is not constant: " + ev.error().reason;
          return;
        }
        if (c->truthy()) self(self, level + 1);
        return;
      }
      auto seq = constant_sequence(clause.field(Field::Right));
      if (!seq || seq->items.size() > kMaxUnroll) {
        failure = "comprehension is not over a constant sequence";
        return;
      }
      for (const auto& item : seq->items) {
        bind_target(clause.field(Field::Left), InitValue::of(item));
        self(self, level + 1);
      }
    };
    run(run, 0);
    if (!failure.empty()) return InitValue::unknown(expr, failure);
    if (!modules.modules.empty() && constants.empty()) return modules;
    if (modules.modules.empty()) return InitValue::of(Constant::list(constants));
    return InitValue::unknown(expr, "comprehension mixes modules and constants");
  }

  void add_child(Instance& container, const std::string& key, const InstancePtr& child) {
    if (!container.path.empty()) assign_paths(*child, container.path + "." + key);
    container.children.emplace_back(key, child);
  }

  // self.blocks.append(m) / .extend([...]) on an nn.ModuleList member, .update({...}) on an
  // nn.ModuleDict member.
  bool append_to_member(Node obj, const std::string& method, Node args) {
    auto it = self_.members.find(std::string(obj.field(Field::Attribute).text()));
    auto items = args.named_children();
    if (it == self_.members.end() || !it->second.module || items.size() != 1) return false;
    Instance& container = *it->second.module;
    if (container.kind != Instance::Kind::ModuleList) return false;
    InitValue v = eval(items[0]);
    if (method == "append" && v.kind == InitValue::Kind::Module && !container.is_dict) {
      add_child(container, std::to_string(container.children.size()), v.module);
      return true;
    }
    if (v.kind != InitValue::Kind::Modules || (method == "update") != container.is_dict)
      return false;
    for (size_t i = 0; i < v.modules.size(); ++i)
      add_child(container,
                container.is_dict ? v.keys.at(i) : std::to_string(container.children.size()),
                v.modules[i]);
    return true;
  }

  // nn.ModuleDict({"a": m, ...}) / nn.ModuleDict({k: m for ...}) / nn.ModuleDict([("a", m)]).
  InstancePtr construct_dict(Node call) {
    auto inst = std::make_shared<Instance>();
    inst->kind = Instance::Kind::ModuleList;
    inst->is_dict = true;
    inst->created = call.location();
    inst->text = std::string(call.text());
    auto raw = call.field(Field::Arguments).named_children();
    if (raw.empty()) return inst;
    auto bad = [&](Node where) {
      ctx_.diags->error(Code::UnsupportedSyntax, where.location())
          << "nn.ModuleDict entry is not a (constant name, module) pair nnport understands";
      return unsupported_instance(call, Code::UnsupportedSyntax, "nn.ModuleDict not understood");
    };
    Node arg = raw[0];
    if (arg.is(Kind::Dictionary) || arg.is(Kind::List) || arg.is(Kind::Tuple)) {
      for (Node pair : arg.named_children()) {
        auto parts = pair.is(Kind::Pair)
                         ? std::vector<Node>{pair.field(Field::Key), pair.field(Field::Value)}
                         : pair.named_children();
        auto ev = evaluator();
        auto key = parts.size() == 2 ? ev.eval(parts[0]) : std::nullopt;
        InitValue v = parts.size() == 2 ? eval(parts[1]) : InitValue{};
        if (!key || !key->is_string() || v.kind != InitValue::Kind::Module) return bad(pair);
        inst->children.emplace_back(key->s, v.module);
      }
      return inst;
    }
    InitValue v = eval(arg);
    if (v.kind != InitValue::Kind::Modules || v.keys.size() != v.modules.size()) return bad(arg);
    for (size_t i = 0; i < v.modules.size(); ++i)
      inst->children.emplace_back(v.keys[i], v.modules[i]);
    return inst;
  }

  // self._make_layer(64, 2, stride=1): a method of the class that builds and returns modules,
  // run on the same object (it may update self.inplanes and the like).
  std::optional<InitValue> helper_method(Node call) {
    Node fn = call.field(Field::Function);
    if (!fn.is(Kind::Attribute) || !is_self(fn.field(Field::Object)) || !self_.cls)
      return std::nullopt;
    const std::string name(fn.field(Field::Attribute).text());
    Node def = self_.cls->method(name);
    if (!def || name == "__init__" || name == "forward" || self_.members.count(name))
      return std::nullopt;
    if (base_depth_ > 16) return InitValue::unknown(call, "helper methods nested too deeply");
    Args args = collect_args(call.field(Field::Arguments));
    std::vector<Constant> positional;
    std::vector<std::pair<std::string, Constant>> keywords;
    if (!constant_args(args, "self." + name + "()", positional, keywords))
      return InitValue::unknown(call, "helper method arguments are not constant");
    auto bound = bind_signature(ctx_, def, positional, keywords, call.location(), false);
    if (!bound) return InitValue::unknown(call, "helper method arguments not bound");
    InitRunner inner(ctx_, self_);
    inner.base_depth_ = base_depth_ + 1;
    auto params = def.field(Field::Parameters).named_children();
    if (!params.empty() && params[0].is(Kind::Identifier))
      inner.self_name_ = std::string(params[0].text());
    inner.builder_ = true;
    inner.quiet_return_ = true;
    for (const auto& [key, value] : *bound) inner.scope_.bind(key, value);
    inner.run_block(def.field(Field::Body), 0);
    if (inner.returned_) return InitValue::of(inner.returned_);
    if (inner.returned_value_) return *inner.returned_value_;
    return InitValue::unknown(call,
                              "self." + name + "() does not return a module nnport can build");
  }

  // A module-level helper that builds and returns a module (`def double_conv(cin, cout):
  // return nn.Sequential(...)`), run with constant arguments like a builder. Null when it
  // does not return a module (the caller then reports the call as not constant).
  InstancePtr construct_from_function(Node call, Node def) {
    if (base_depth_ > 16 || ctx_.depth > kMaxNesting) return nullptr;
    Args args = collect_args(call.field(Field::Arguments));
    std::vector<Constant> positional;
    std::vector<std::pair<std::string, Constant>> keywords;
    if (!constant_args(args, std::string(def.field(Field::Name).text()) + "()", positional,
                       keywords))
      return nullptr;
    auto bound = bind_signature(ctx_, def, positional, keywords, call.location(), false, 0);
    if (!bound) return nullptr;
    Instance holder;
    holder.kind = Instance::Kind::User;
    InitRunner inner(ctx_, holder);
    inner.base_depth_ = base_depth_ + 1;
    inner.self_name_.clear();
    inner.builder_ = true;
    inner.quiet_return_ = true;
    for (const auto& [key, value] : *bound) inner.scope_.bind(key, value);
    ++ctx_.depth;
    inner.run_block(def.field(Field::Body), 0);
    --ctx_.depth;
    return inner.returned_;
  }

  InstancePtr construct_user(Node call, const ClassInfo& cls) {
    if (ctx_.constructing.count(&cls)) {
      ctx_.diags->error(Code::UnsupportedSyntax, call.location())
          << "class " << cls.name << " constructs itself in its own __init__ (recursive module)";
      return unsupported_instance(call, Code::UnsupportedSyntax,
                                  "recursive construction of " + cls.name);
    }
    if (ctx_.depth > kMaxNesting) {
      ctx_.diags->error(Code::UnsupportedSyntax, call.location())
          << "modules nested too deeply (recursive construction?)";
      return unsupported_instance(call, Code::UnsupportedSyntax, "modules nested too deeply");
    }
    Args args = collect_args(call.field(Field::Arguments));
    std::vector<Constant> positional;
    std::vector<std::pair<std::string, Constant>> keywords;
    if (!constant_args(args, cls.name + "()", positional, keywords))
      return unsupported_instance(call, Code::NotConstant,
                                  cls.name + " has non-constant arguments");
    Node init = cls.method("__init__");
    BoundArgs bound;
    if (init) {
      auto b = bind_signature(ctx_, init, positional, keywords, call.location(), false);
      if (!b)
        return unsupported_instance(call, Code::NotConstant, "constructor arguments not bound");
      bound = std::move(*b);
    }
    return instantiate(ctx_, cls, std::move(bound), call.location(), std::string(call.text()));
  }

  Context& ctx_;
  Instance& self_;
  syntax::Scope scope_;
  std::map<std::string, InitValue> module_locals_;
  std::string self_name_ = "self";
  bool builder_ = false;  // running a builder function: `return` yields the model
  bool stopped_ = false;  // a return statement ended the body
  InstancePtr returned_;
  std::optional<InitValue> returned_value_;  // a helper method's non-module result
  bool quiet_return_ = false;
  int base_depth_ = 0;
};

}  // namespace

void assign_paths(Instance& instance, const std::string& path) {
  if (!instance.path.empty()) return;
  instance.path = path;
  if (instance.kind == Instance::Kind::Sequential || instance.kind == Instance::Kind::ModuleList)
    for (auto& [name, child] : instance.children) assign_paths(*child, path + "." + name);
}

std::optional<BoundArgs> default_constructor_args(Context& ctx, const ClassInfo& cls) {
  Node init = cls.method("__init__");
  if (!init) return BoundArgs{};
  return bind_signature(ctx, init, {}, {}, cls.node.location(), true);
}

std::optional<BoundArgs> call_constructor_args(Context& ctx, const ClassInfo& cls, Node call) {
  Node init = cls.method("__init__");
  if (!init) return BoundArgs{};
  std::vector<Constant> positional;
  std::vector<std::pair<std::string, Constant>> keywords;
  syntax::ConstEvaluator evaluator(ctx.globals);
  bool ok = true;
  for (Node arg : call.field(Field::Arguments).named_children()) {
    if (arg.is(Kind::Comment)) continue;
    Node value = arg.is(Kind::KeywordArgument) ? arg.field(Field::Value) : arg;
    std::optional<Constant> c;
    if (!arg.is(Kind::ListSplat) && !arg.is(Kind::DictionarySplat)) c = evaluator.eval(value);
    if (!c) {
      // The model is read with the arguments the script constructs it with. One nnport cannot
      // evaluate statically: the class defaults are read instead, when every parameter has one,
      // and the difference is reported (an error when there is no default).
      ctx.diags->warning(Code::NotConstant, value.location())
          << "the script constructs " << cls.name << " with an argument that is not a constant ("
          << (arg.is(Kind::ListSplat) || arg.is(Kind::DictionarySplat)
                  ? std::string("* or ** arguments")
                  : evaluator.error().reason)
          << "): the model is read with the class defaults";
      ok = false;
      break;
    }
    if (arg.is(Kind::KeywordArgument))
      keywords.emplace_back(std::string(arg.field(Field::Name).text()), std::move(*c));
    else
      positional.push_back(std::move(*c));
  }
  if (!ok) return default_constructor_args(ctx, cls);
  return bind_signature(ctx, init, std::move(positional), std::move(keywords), call.location(),
                        false);
}

InstancePtr instantiate(Context& ctx, const ClassInfo& cls, BoundArgs args,
                        const SourceLocation& where, std::string text) {
  auto inst = std::make_shared<Instance>();
  inst->kind = Instance::Kind::User;
  inst->cls = &cls;
  inst->created = where;
  inst->text = std::move(text);
  inst->args = args;
  ++ctx.depth;
  const bool outermost = ctx.constructing.insert(&cls).second;
  InitRunner runner(ctx, *inst);
  runner.run(cls, args);
  if (outermost) ctx.constructing.erase(&cls);
  --ctx.depth;
  inst->cls = &cls;
  return inst;
}

InstancePtr build_from_builder(Context& ctx, Node function) {
  auto args = bind_signature(ctx, function, {}, {}, function.location(), true, 0);
  if (!args) return nullptr;
  Instance holder;
  holder.kind = Instance::Kind::User;
  InitRunner runner(ctx, holder);
  runner.self_name_for_builder();
  return runner.run_builder(function, *args);
}

InstancePtr build_module_expression(Context& ctx, Node expr) {
  Instance holder;
  holder.kind = Instance::Kind::User;
  InitRunner runner(ctx, holder);
  InitValue v = runner.eval(expr);
  return v.kind == InitValue::Kind::Module ? v.module : nullptr;
}

}  // namespace nnport::readers::pytorch
