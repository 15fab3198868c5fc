// The NumPy twin of torch.randperm for a seeded generator (see torch_randperm.h).
#include "writers/keras/torch_randperm.h"

namespace nnport::writers::keras {

std::vector<std::string> torch_randperm_definition() {
  return {
      "def torch_randperm(n, seed):",
      "    \"\"\"torch.randperm(n, generator=torch.Generator().manual_seed(seed)), without torch:",
      "    torch's CPU generator is MT19937 seeded as NumPy's RandomState, and randperm swaps",
      "    position i with i + (its next 32-bit output % (n - i)).\"\"\"",
      "    bits = np.random.RandomState(seed & 0xFFFFFFFF).randint(0, 2**32, size=max(n - 1, 0), "
      "dtype=np.uint32)",
      "    order = np.arange(n)",
      "    for i in range(n - 1):",
      "        j = i + int(bits[i]) % (n - i)",
      "        order[i], order[j] = order[j], order[i]",
      "    return order",
      "",
  };
}

}  // namespace nnport::writers::keras
