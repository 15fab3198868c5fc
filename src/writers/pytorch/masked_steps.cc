// Helper functions for masked recurrences (see masked_steps.h).
#include "writers/pytorch/masked_steps.h"

namespace nnport::writers::pytorch {
namespace {

struct HelperSource {
  std::string_view name;
  std::string_view text;
};

// A stable sort of the mask keeps the unmasked steps in their order; cumsum(keep) - 1 is the
// packed position of the last unmasked step at or before each step.
constexpr HelperSource kHelpers[] = {
    {"unmasked_steps_first",
     R"(def unmasked_steps_first(x, padding_mask):
    """Keras' masked recurrence reads only the unmasked steps (padding_mask False), wherever the
    masked ones are: each sequence's unmasked steps moved to the front in order, the order used
    and their count."""
    order = torch.sort(padding_mask.int(), dim=1, stable=True).indices
    kept = torch.gather(x, 1, order.unsqueeze(-1).expand_as(x))
    return kept, order, (~padding_mask).sum(1))"},
    {"masked_steps_back",
     R"(def masked_steps_back(seq, order, padding_mask, carry):
    """The outputs of a sequence from unmasked_steps_first back at their steps. At a masked step
    Keras outputs zero (Bidirectional), or with carry=True the output of the previous unmasked
    step (zero before the first; an RNN layer on its own)."""
    if carry:
        last = (~padding_mask).cumsum(1) - 1
        out = torch.gather(seq, 1, last.clamp(min=0).unsqueeze(-1).expand_as(seq))
        return out.masked_fill((last < 0).unsqueeze(-1), 0.0)
    out = torch.zeros_like(seq).scatter(1, order.unsqueeze(-1).expand_as(seq), seq)
    return out.masked_fill(padding_mask.unsqueeze(-1), 0.0))"},
};

}  // namespace

std::string_view masked_steps_source(std::string_view name) {
  for (const auto& h : kHelpers)
    if (h.name == name) return h.text;
  return {};
}

}  // namespace nnport::writers::pytorch
