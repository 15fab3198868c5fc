// Constant attention-mask patterns of forward() code, e.g.
//   torch.triu(torch.ones(T, T), diagonal=1).bool()
//   nn.Transformer.generate_square_subsequent_mask(T)
//   (torch.triu(torch.ones(T, T)) == 1).transpose(0, 1).float()
//       .masked_fill(mask == 0, float('-inf')).masked_fill(mask == 1, 0.0)
// kept symbolic (a region plus the values inside and outside it) so the attention call can
// prove the mask causal instead of materialising a constant tensor.
#pragma once

#include <string>

#include "readers/pytorch/tracer.h"

namespace nnport::readers::pytorch {

struct MaskPattern {
  // Cells (i, j) of a (rows, cols) matrix: All; Upper: j - i >= diagonal (torch.triu);
  // Lower: j - i <= diagonal (torch.tril).
  enum class Region { All, Upper, Lower };
  std::vector<int64_t> sizes;
  Region region = Region::All;
  int64_t diagonal = 0;
  Constant inside;   // value of the cells in the region
  Constant outside;  // value of the other cells (0 / False after triu, tril)
};

// "" when `mask` used as an attn_mask of `length` queries and keys hides exactly the keys
// j > i (True in a bool mask, -inf in a float one, every other cell False / 0.0); else why not.
std::string causal_mask_problem(const MaskPattern& mask, int64_t length);

}  // namespace nnport::readers::pytorch
