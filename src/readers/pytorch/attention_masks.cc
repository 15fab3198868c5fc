// Attention-mask patterns (attention_masks.h) and elementwise comparisons of forward() code:
// `ids == pad_idx` on a tensor becomes an Equal node (a key_padding_mask); the factories,
// methods and comparisons below keep a constant mask symbolic. Anything else on a Mask is
// reported: its only migrated use is a causal attn_mask.
#include "readers/pytorch/attention_masks.h"

#include <cmath>
#include <limits>

#include "pivot/ops/catalog.h"
#include "readers/pytorch/tracer_impl.h"

namespace nnport::readers::pytorch {

using pivot::OpKind;
using Region = MaskPattern::Region;

namespace {

TValue of_mask(MaskPattern pattern) {
  TValue v;
  v.kind = TValue::Kind::Mask;
  v.mask = std::make_shared<const MaskPattern>(std::move(pattern));
  return v;
}

// Constant ints from f(a, b) or f((a, b)); nullopt when a size is not a constant.
std::optional<std::vector<int64_t>> const_sizes(const std::vector<TValue>& items) {
  std::vector<int64_t> sizes;
  for (const auto& item : items) {
    if (item.kind == TValue::Kind::Const && item.constant.is_sequence() && items.size() == 1) {
      auto v = item.constant.as_ints();
      if (!v) return std::nullopt;
      return v;
    }
    if (item.kind == TValue::Kind::Tuple && items.size() == 1) return const_sizes(item.items);
    if (item.kind != TValue::Kind::Const || !item.constant.is_int()) return std::nullopt;
    sizes.push_back(item.constant.i);
  }
  return sizes;
}

bool is_bool_dtype(const CallArgs& args) {
  const TValue* dtype = args.keyword("dtype");
  return dtype && dtype->kind == TValue::Kind::Const && dtype->constant.is_string() &&
         dtype->constant.s == "torch.bool";
}

Constant as_bool(const Constant& c) { return Constant::boolean(c.truthy()); }

Constant as_float(const Constant& c) {
  return Constant::floating(c.as_double().value_or(std::numeric_limits<double>::quiet_NaN()));
}

// The blocked / allowed meaning of one mask value (nullopt: an additive bias).
std::optional<bool> blocks(const Constant& c) {
  if (c.is_bool()) return c.b;
  auto v = c.as_double();
  if (!v) return std::nullopt;
  if (std::isinf(*v) && *v < 0) return true;
  if (*v == 0.0) return false;
  return std::nullopt;
}

// Whether masked_fill(a, b) can be followed cell by cell: the same sizes, and b uniform or
// triangular over the same region as a.
bool same_region(const MaskPattern& a, const MaskPattern& b) {
  return a.sizes == b.sizes &&
         (b.region == Region::All || (a.region == b.region && a.diagonal == b.diagonal));
}

}  // namespace

std::string causal_mask_problem(const MaskPattern& mask, int64_t length) {
  if (mask.sizes.size() != 2 || mask.sizes[0] != mask.sizes[1])
    return "the mask is not square (sizes " + pivot::shape_to_string(mask.sizes) + ")";
  if (length >= 0 && mask.sizes[0] != length)
    return "the mask is " + std::to_string(mask.sizes[0]) + "x" + std::to_string(mask.sizes[1]) +
           " but the sequence has " + std::to_string(length) + " steps";
  const auto in = blocks(mask.inside);
  const auto out = mask.region == Region::All ? in : blocks(mask.outside);
  if (!in || !out)
    return "a float mask with values other than 0 and -inf is added to the attention scores "
           "(only 0 / -inf and bool masks are migrated)";
  // Causal: blocked exactly where j - i >= 1.
  const bool causal = (mask.region == Region::Upper && mask.diagonal == 1 && *in && !*out) ||
                      (mask.region == Region::Lower && mask.diagonal == 0 && !*in && *out);
  if (!causal)
    return "the mask is not the causal (upper-triangular, diagonal=1) pattern; only causal "
           "attn_masks are migrated";
  return {};
}

std::optional<TValue> Tracer::mask_function(const std::string& q, const CallArgs& args, Node call) {
  if (q == "torch.ones" || q == "torch.full") {
    std::vector<TValue> size_args = args.positional;
    Constant fill = Constant::floating(1.0);
    if (q == "torch.full") {
      const TValue* size = args.get(0, "size");
      const TValue* value = args.get(1, "fill_value");
      if (!size || !value || value->kind != TValue::Kind::Const || !value->constant.is_number())
        return std::nullopt;
      size_args = {*size};
      fill = value->constant;
      if (fill.is_int()) fill = as_float(fill);  // torch.full((T, T), 0) is a float tensor
    } else if (const TValue* size = args.keyword("size"); size && size_args.empty()) {
      size_args = {*size};
    }
    auto sizes = const_sizes(size_args);
    if (!sizes || sizes->size() != 2) return std::nullopt;  // only (T, T) patterns
    if (is_bool_dtype(args)) fill = as_bool(fill);
    MaskPattern m;
    m.sizes = *sizes;
    m.inside = m.outside = fill;
    return of_mask(std::move(m));
  }
  if (q == "torch.triu" || q == "torch.tril") {
    const TValue* input = args.get(0, "input");
    if (!input || input->kind != TValue::Kind::Mask) return std::nullopt;
    // The method form's arguments: everything after the input.
    CallArgs rest;
    const size_t skip = args.keyword("input") ? 0 : 1;
    for (size_t i = skip; i < args.positional.size(); ++i) {
      rest.positional.push_back(args.positional[i]);
      rest.positional_nodes.push_back(args.positional_nodes[i]);
    }
    for (size_t i = 0; i < args.keywords.size(); ++i)
      if (args.keywords[i].first != "input") {
        rest.keywords.push_back(args.keywords[i]);
        rest.keyword_nodes.push_back(args.keyword_nodes[i]);
      }
    return mask_method(q.substr(6), *input, rest, call);
  }
  if (q == "torch.nn.Transformer.generate_square_subsequent_mask" ||
      q == "torch.nn.modules.transformer.Transformer.generate_square_subsequent_mask") {
    // float: -inf above the diagonal, 0.0 elsewhere (PyTorch's definition).
    auto sizes = const_sizes({args.get(0, "sz") ? *args.get(0, "sz") : TValue::invalid()});
    if (!sizes || sizes->size() != 1) {
      diags_.error(Code::NotConstant, call.location())
          << "generate_square_subsequent_mask needs a constant size";
      return TValue::invalid();
    }
    MaskPattern m;
    m.sizes = {(*sizes)[0], (*sizes)[0]};
    m.region = Region::Upper;
    m.diagonal = 1;
    m.inside = Constant::floating(-std::numeric_limits<double>::infinity());
    m.outside = Constant::floating(0.0);
    return of_mask(std::move(m));
  }
  return std::nullopt;
}

TValue Tracer::mask_method(const std::string& name, const TValue& mask, const CallArgs& args,
                           Node call) {
  MaskPattern m = *mask.mask;
  auto fail = [&](const std::string& why) {
    diags_.error(Code::UnsupportedOperation, call.location())
        << "'." << name << "()' on a constant mask: " << why
        << " (a constant mask is only migrated as a causal attn_mask)";
    return TValue::invalid();
  };
  // Placement and no-op calls.
  if (name == "to" || name == "cuda" || name == "cpu" || name == "detach" || name == "contiguous" ||
      name == "clone" || name == "requires_grad_") {
    if (name == "to")
      for (const auto& a : args.positional)
        if (a.kind == TValue::Kind::Const && a.constant.is_string() &&
            a.constant.s == "torch.bool") {
          m.inside = as_bool(m.inside);
          m.outside = as_bool(m.outside);
        }
    return of_mask(std::move(m));
  }
  if (name == "bool") {
    m.inside = as_bool(m.inside);
    m.outside = as_bool(m.outside);
    return of_mask(std::move(m));
  }
  if (name == "float") {
    m.inside = as_float(m.inside);
    m.outside = as_float(m.outside);
    return of_mask(std::move(m));
  }
  if (name == "triu" || name == "tril") {
    int64_t k = 0;
    if (const TValue* d = args.get(0, "diagonal")) {
      auto v = const_int(d, call, "diagonal");
      if (!v) return TValue::invalid();
      k = *v;
    }
    if (m.region != Region::All) return fail("triu/tril of a triangular pattern");
    m.region = name == "triu" ? Region::Upper : Region::Lower;
    m.diagonal = k;
    m.outside = m.inside.is_bool() ? Constant::boolean(false) : Constant::floating(0.0);
    return of_mask(std::move(m));
  }
  if (name == "transpose" || name == "t" || name == "T") {
    if (name == "transpose") {
      auto a = const_int(args.get(0, "dim0"), call, "dim0");
      auto b = const_int(args.get(1, "dim1"), call, "dim1");
      if (!a || !b) return TValue::invalid();
      const int64_t lo = std::min(*a, *b) < 0 ? std::min(*a, *b) + 2 : std::min(*a, *b);
      const int64_t hi = std::max(*a, *b) < 0 ? std::max(*a, *b) + 2 : std::max(*a, *b);
      if (lo == hi) return of_mask(std::move(m));
      if (!((lo == 0 && hi == 1) || (*a == -2 && *b == -1) || (*a == -1 && *b == -2)))
        return fail("transpose axes out of range");
    }
    std::swap(m.sizes[0], m.sizes[1]);
    // (i, j) -> (j, i): j - i >= k becomes i - j >= k, i.e. j - i <= -k.
    if (m.region == Region::Upper)
      m.region = Region::Lower;
    else if (m.region == Region::Lower)
      m.region = Region::Upper;
    m.diagonal = -m.diagonal;
    return of_mask(std::move(m));
  }
  if (name == "masked_fill" || name == "masked_fill_") {
    const TValue* cond = args.get(0, "mask");
    const TValue* value = args.get(1, "value");
    if (!cond || cond->kind != TValue::Kind::Mask || !value || value->kind != TValue::Kind::Const ||
        !value->constant.is_number())
      return fail("masked_fill needs a mask of the same pattern and a constant value");
    const MaskPattern& c = *cond->mask;
    if (!same_region(m, c) && !(m.region == Region::All && c.sizes == m.sizes))
      return fail("masked_fill with a mask of another pattern");
    const Constant fill = m.inside.is_bool() ? as_bool(value->constant) : as_float(value->constant);
    if (m.region == Region::All) {  // takes the condition's region
      m.region = c.region;
      m.diagonal = c.diagonal;
      m.outside = m.inside;
    }
    if (c.inside.truthy()) m.inside = fill;
    if ((c.region == Region::All ? c.inside : c.outside).truthy()) m.outside = fill;
    return of_mask(std::move(m));
  }
  if (name == "logical_not") {
    m.inside = Constant::boolean(!m.inside.truthy());
    m.outside = Constant::boolean(!m.outside.truthy());
    return of_mask(std::move(m));
  }
  if (name == "eq" || name == "ne") {
    const TValue* other = args.get(0, "other");
    if (other)
      if (auto v = compare_values(name == "eq" ? "==" : "!=", mask, *other, call)) return *v;
  }
  return fail("not supported");
}

std::optional<TValue> Tracer::compare_values(std::string_view op, const TValue& a, const TValue& b,
                                             Node where) {
  if (op != "==" && op != "!=") return std::nullopt;
  if (a.kind == TValue::Kind::Mask && b.kind == TValue::Kind::Const && b.constant.is_number()) {
    MaskPattern m = *a.mask;
    const bool eq = op == "==";
    m.inside = Constant::boolean((m.inside == b.constant) == eq);
    m.outside = Constant::boolean((m.outside == b.constant) == eq);
    return of_mask(std::move(m));
  }
  // ids == pad_idx: a bool key_padding_mask (PyTorch polarity: True = padded).
  if (op == "==" && a.is_tensor() && b.kind == TValue::Kind::Const && b.constant.is_number())
    return add_node(OpKind::Equal, "equal", {}, {a.tensor}, {{"scalar", *b.constant.as_double()}},
                    where);
  if (op == "==" && a.is_tensor() && b.is_tensor())
    return add_node(OpKind::Equal, "equal", {}, {a.tensor, b.tensor}, {}, where);
  return std::nullopt;
}

}  // namespace nnport::readers::pytorch
