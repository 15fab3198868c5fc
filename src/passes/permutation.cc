// Axis permutation helpers.
#include "passes/permutation.h"

namespace nnport::passes {

Perm identity_perm(size_t rank) {
  Perm p(rank);
  for (size_t i = 0; i < rank; ++i) p[i] = static_cast<int64_t>(i);
  return p;
}

bool is_identity(const Perm& perm) {
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != static_cast<int64_t>(i)) return false;
  return true;
}

Perm invert(const Perm& perm) {
  Perm inv(perm.size());
  for (size_t i = 0; i < perm.size(); ++i)
    inv[static_cast<size_t>(perm[i])] = static_cast<int64_t>(i);
  return inv;
}

Perm channels_last_perm(size_t rank) {
  Perm p = identity_perm(rank);
  if (rank < 3) return p;
  for (size_t i = 1; i + 1 < rank; ++i) p[i] = static_cast<int64_t>(i + 1);
  p[rank - 1] = 1;
  return p;
}

Perm transpose_between(const Perm& from, const Perm& to) {
  // stored_from[j] = src axis from[j]; we want stored_to[i] = src axis to[i] =
  // stored_from[inv_from[to[i]]].
  const Perm inv_from = invert(from);
  Perm t(to.size());
  for (size_t i = 0; i < to.size(); ++i) t[i] = inv_from[static_cast<size_t>(to[i])];
  return t;
}

}  // namespace nnport::passes
