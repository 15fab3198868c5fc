// Small helpers for axis permutations (perm[i] = source axis at position i).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nnport::passes {

using Perm = std::vector<int64_t>;

Perm identity_perm(std::size_t rank);
bool is_identity(const Perm& perm);
Perm invert(const Perm& perm);
// Channels-last permutation of a channels-first tensor: (N, C, *S) -> (N, *S, C).
Perm channels_last_perm(std::size_t rank);
// The transpose T taking a tensor stored as src.permute(from) to src.permute(to).
Perm transpose_between(const Perm& from, const Perm& to);

}  // namespace nnport::passes
