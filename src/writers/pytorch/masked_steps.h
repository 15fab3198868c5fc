// Module-level helper functions of the generated file for recurrences reading a Keras padding
// mask (pivot `mask_input`: Embedding(mask_zero=True) in front of LSTM / GRU / SimpleRNN /
// Bidirectional). Keras skips masked steps wherever they are (pre- or post-padding); PyTorch's
// packed sequences skip trailing ones, so the unmasked steps are moved to the front first and
// the outputs moved back after.
#pragma once

#include <string_view>

namespace nnport::writers::pytorch {

// Python source of the helper function `name` ("unmasked_steps_first", "masked_steps_back"),
// empty for any other name.
std::string_view masked_steps_source(std::string_view name);

}  // namespace nnport::writers::pytorch
