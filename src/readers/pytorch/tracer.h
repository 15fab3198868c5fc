// Abstract interpretation of forward(): statements run in order over abstract values (tensors
// as pivot values, constants, symbolic sizes, tuples, module references), building the graph
// of one module definition.
#pragma once

#include <set>

#include "readers/pytorch/model_types.h"

namespace nnport::readers::pytorch {

struct StoredRef;    // stored_tensors.h
struct MaskPattern;  // attention_masks.h

// A value forward() computes with.
struct TValue {
  // Zeros: torch.zeros(shape) (items = the sizes), kept symbolic because its only supported
  // use is an RNN initial state, where zeros equal no initial state (recurrent_call.cc).
  // Stored: an nn.Parameter / buffer of the module (self.pe[:, :n]), until an op consumes it.
  // Param: `next(self.parameters())`, only usable to make new tensors (weight.new(...)); Empty:
  // an uninitialized `weight.new(sizes)` (items = the sizes), Zeros after .zero_()
  // (state_factories.cc).
  // Mask: a constant attention-mask pattern built from sizes alone (torch.ones / full / triu /
  // tril, generate_square_subsequent_mask), whose only supported use is an attn_mask
  // (attention_masks.cc).
  enum class Kind {
    Invalid,
    Tensor,
    Const,
    Dim,
    Tuple,
    Module,
    Self,
    Zeros,
    Stored,
    Param,
    Empty,
    Mask
  };
  Kind kind = Kind::Invalid;
  pivot::ValueId tensor = 0;
  Constant constant;
  int64_t dim = pivot::kUnknown;   // Dim: pivot::kBatch or pivot::kUnknown (a run-time size)
  int64_t scale = 1;               // Dim kBatch: the size is batch * scale (b * t)
  std::vector<TValue> items;       // Tuple
  std::vector<std::string> names;  // Tuple fields (torch.max(...).values)
  InstancePtr module;
  std::shared_ptr<const StoredRef> stored = {};
  std::shared_ptr<const MaskPattern> mask = {};

  static TValue invalid() { return {}; }
  static TValue of_tensor(pivot::ValueId v) {
    TValue t;
    t.kind = Kind::Tensor;
    t.tensor = v;
    return t;
  }
  static TValue of_const(Constant c) {
    TValue t;
    t.kind = Kind::Const;
    t.constant = std::move(c);
    return t;
  }
  static TValue of_dim(int64_t d) {
    TValue t;
    t.kind = Kind::Dim;
    t.dim = d;
    return t;
  }
  static TValue of_tuple(std::vector<TValue> items) {
    TValue t;
    t.kind = Kind::Tuple;
    t.items = std::move(items);
    return t;
  }
  bool is_tensor() const { return kind == Kind::Tensor; }
};

// Input of a traced forward(): a type, or "pending" (decided by the first consuming layer).
struct TraceInput {
  std::string name;
  pivot::TensorType type;
  bool pending = false;
  // Axes of run-time size known to be batch * scale (time folded into the batch).
  std::map<size_t, int64_t> folded;
};

struct TraceResult {
  pivot::ModuleDef def;
  std::vector<TraceInput> inputs;  // final input types (pending ones possibly resolved)
  bool ok = true;
};

// Traces `self.forward` (a user class instance, or a Sequential at module level) into a
// module definition named `def_name`.
TraceResult trace_module(Context& ctx, const InstancePtr& self, const std::string& def_name,
                         std::vector<TraceInput> inputs, const std::vector<TValue>& const_args);

}  // namespace nnport::readers::pytorch
