// torch.randperm(n, generator=torch.Generator().manual_seed(seed)) written with NumPy, for a
// migrated random_split: torch's CPU generator is an MT19937 engine seeded with the seed's low
// 32 bits exactly as NumPy's legacy RandomState seeds its own, and randperm (for n below about
// 2**32 / 20) swaps position i with i + (the generator's next 32-bit output % (n - i)), i = 0..n-2.
// A full-range uint32 randint of RandomState returns those raw outputs, so the function gives
// torch's permutation: the same samples in each part.
#pragma once

#include <string>
#include <vector>

namespace nnport::writers::keras {

inline constexpr const char* kTorchRandpermFunction = "torch_randperm";

// The function's definition (`def torch_randperm(n, seed): ...`), one line each.
std::vector<std::string> torch_randperm_definition();

}  // namespace nnport::writers::keras
