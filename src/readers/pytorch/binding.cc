// Binds constant call arguments to a PyTorch table row (Python's positional/keyword rules)
// and runs the row's converters.
#include "readers/pytorch/model_types.h"

namespace nnport::readers::pytorch {

Node ClassInfo::method(const std::string& method_name) const {
  const ClassInfo* c = this;
  for (int guard = 0; c != nullptr && guard < 64; ++guard, c = c->user_base) {
    auto it = c->methods.find(method_name);
    if (it != c->methods.end()) return it->second;
  }
  return {};
}

bool bind_row(const frameworks::pytorch::OpRow& row, const std::vector<Constant>& positional,
              const std::vector<std::pair<std::string, Constant>>& keywords,
              const std::vector<SourceLocation>& positional_locs,
              const std::map<std::string, SourceLocation>& keyword_locs,
              const SourceLocation& call_loc, const std::string& what, DiagnosticEngine& diags,
              pivot::Attrs& attrs, BoundArgs* bound_out) {
  for (const auto& [key, value] : row.fixed) attrs[key] = value;
  if (row.any_args) return true;
  BoundArgs bound;
  std::map<std::string, SourceLocation> where;
  if (positional.size() > row.args.size()) {
    diags.error(Code::UnsupportedArgument, positional_locs.size() > row.args.size()
                                               ? positional_locs[row.args.size()]
                                               : call_loc)
        << what << " takes at most " << row.args.size() << " positional arguments";
    return false;
  }
  for (size_t i = 0; i < positional.size(); ++i) {
    bound[row.args[i].name] = positional[i];
    where[row.args[i].name] = i < positional_locs.size() ? positional_locs[i] : call_loc;
  }
  for (const auto& [name, value] : keywords) {
    bool known = false;
    for (const auto& arg : row.args) known = known || arg.name == name;
    auto loc_it = keyword_locs.find(name);
    const SourceLocation loc = loc_it != keyword_locs.end() ? loc_it->second : call_loc;
    if (!known) {
      diags.error(Code::UnsupportedArgument, loc)
          << what << " has no argument '" << name << "' nnport knows";
      return false;
    }
    if (bound.count(name)) {
      diags.error(Code::UnsupportedArgument, loc)
          << what << " got multiple values for argument '" << name << "'";
      return false;
    }
    bound[name] = value;
    where[name] = loc;
  }
  for (const auto& arg : row.args) {
    if (bound.count(arg.name)) continue;
    if (!arg.default_value) {
      diags.error(Code::UnsupportedArgument, call_loc)
          << what << " is missing the required argument '" << arg.name << "'";
      return false;
    }
    bound[arg.name] = *arg.default_value;
  }
  bool ok = true;
  for (const auto& arg : row.args) {
    frameworks::pytorch::ArgContext ctx{arg.name,          arg.attr, bound.at(arg.name),
                                        arg.default_value, bound,    row.rank};
    const std::string problem = arg.convert(ctx, attrs);
    if (!problem.empty()) {
      auto loc_it = where.find(arg.name);
      diags.error(Code::UnsupportedArgument, loc_it != where.end() ? loc_it->second : call_loc)
          << what << ": " << problem;
      ok = false;
    }
  }
  if (bound_out) *bound_out = std::move(bound);
  return ok;
}

}  // namespace nnport::readers::pytorch
