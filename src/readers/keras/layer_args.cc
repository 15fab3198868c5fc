// Keras constructor arguments (see layer_args.h).
#include "readers/keras/layer_args.h"

#include <algorithm>
#include <cctype>

namespace nnport::readers::keras {

const Value* LayerArgs::find(int position, std::initializer_list<const char*> keys) const {
  for (const char* key : keys)
    if (const Value* v = layer_.kwarg(key)) return v;
  if (position >= 0 && static_cast<size_t>(position) < layer_.args.size())
    return &layer_.args[static_cast<size_t>(position)];
  return nullptr;
}

bool LayerArgs::has(int position, std::initializer_list<const char*> keys) const {
  const Value* v = find(position, keys);
  return v && v->kind != Value::Kind::None &&
         !(v->kind == Value::Kind::Const && v->constant.is_none());
}

std::optional<Constant> LayerArgs::get(int position,
                                       std::initializer_list<const char*> keys) const {
  const Value* v = find(position, keys);
  if (!v) return std::nullopt;
  auto c = v->as_constant();
  if (!c) {
    // An Unknown value was reported where it was evaluated (an undefined name, ...).
    const bool reported = v->kind != Value::Kind::Unknown;
    if (reported)
      in_.ctx().diags->error(Code::NotConstant, where(position, keys))
          << layer_.cls << " argument '" << *keys.begin() << "' is not known statically";
    unread(position, keys, "not known statically", Code::NotConstant, reported);
    return std::nullopt;
  }
  if (c->is_none()) return std::nullopt;
  return c;
}

SourceLocation LayerArgs::where(int position, std::initializer_list<const char*> keys) const {
  Node list = layer_.site ? layer_.site.field(syntax::Field::Arguments) : Node{};
  int positional = 0;
  for (Node a : list ? list.named_children() : std::vector<Node>{}) {
    if (a.is(syntax::Kind::KeywordArgument)) {
      for (const char* key : keys)
        if (a.field(syntax::Field::Name).text() == key) return a.location();
    } else if (!a.is(syntax::Kind::Comment) && !a.is(syntax::Kind::ListSplat) &&
               !a.is(syntax::Kind::DictionarySplat)) {
      if (positional++ == position) return a.location();
    }
  }
  return layer_.location;
}

void LayerArgs::unread(int position, std::initializer_list<const char*> keys,
                       const std::string& why, Code code, bool reported) const {
  ok_ = false;
  in_.ctx().unread_arguments.push_back({*keys.begin(), why, where(position, keys), code, reported});
}

void LayerArgs::reject(const std::string& key, const std::string& why) const {
  const SourceLocation at = where(-1, {key.c_str()});
  in_.ctx().diags->error(Code::UnsupportedArgument, at) << layer_.cls << "(" << key << "): " << why;
  ok_ = false;
  in_.ctx().unread_arguments.push_back({key, why, at, Code::UnsupportedArgument, true});
}

int64_t LayerArgs::integer(int position, std::initializer_list<const char*> keys,
                           int64_t fallback) const {
  auto c = get(position, keys);
  if (!c) return fallback;
  if (auto i = c->as_int()) return *i;
  reject(*keys.begin(), "expected an integer, got " + c->repr());
  return fallback;
}

double LayerArgs::real(int position, std::initializer_list<const char*> keys,
                       double fallback) const {
  auto c = get(position, keys);
  if (!c) return fallback;
  if (auto d = c->as_double()) return *d;
  reject(*keys.begin(), "expected a number, got " + c->repr());
  return fallback;
}

bool LayerArgs::boolean(int position, std::initializer_list<const char*> keys,
                        bool fallback) const {
  auto c = get(position, keys);
  if (!c) return fallback;
  if (c->is_bool()) return c->b;
  reject(*keys.begin(), "expected True or False, got " + c->repr());
  return fallback;
}

std::string LayerArgs::string(int position, std::initializer_list<const char*> keys,
                              const std::string& fallback) const {
  auto c = get(position, keys);
  if (!c) return fallback;
  if (c->is_string()) return c->s;
  reject(*keys.begin(), "expected a string, got " + c->repr());
  return fallback;
}

std::vector<int64_t> LayerArgs::ints(int position, std::initializer_list<const char*> keys,
                                     int64_t fallback, size_t rank) const {
  auto c = get(position, keys);
  if (!c) return std::vector<int64_t>(rank, fallback);
  if (auto v = c->as_ints(rank); v && v->size() == rank) return *v;
  reject(*keys.begin(), "expected an int or " + std::to_string(rank) + " ints, got " + c->repr());
  return std::vector<int64_t>(rank, fallback);
}

std::string LayerArgs::padding(int position) const {
  std::string p = string(position, {"padding"}, "valid");
  std::transform(p.begin(), p.end(), p.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return p;
}

std::string LayerArgs::activation() const {
  const Value* v = layer_.kwarg("activation");
  if (!v) return "";
  if (v->kind == Value::Kind::Name) {
    const auto dot = v->qualified.rfind('.');
    return dot == std::string::npos ? v->qualified : v->qualified.substr(dot + 1);
  }
  auto c = v->as_constant();
  if (c && c->is_none()) return "";
  if (c && c->is_string()) return c->s;
  reject("activation", "only activation names are supported");
  return "";
}

}  // namespace nnport::readers::keras
