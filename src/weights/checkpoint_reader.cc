// Format dispatch for source checkpoints.
#include "weights/checkpoint_reader.h"

#include <fstream>

#include "weights/safetensors_reader.h"

namespace nnport::weights {

std::string read_checkpoint(const std::string& path, Checkpoint& out) {
  // torch.save writes a zip archive since PyTorch 1.6; recognise it to say what to do instead
  // of reporting a confusing safetensors header error.
  char magic[4] = {};
  {
    std::ifstream in(path, std::ios::binary);
    in.read(magic, sizeof magic);
  }
  if (magic[0] == 'P' && magic[1] == 'K' && magic[2] == '\x03' && magic[3] == '\x04')
    return "PyTorch zip checkpoints (torch.save, .pt/.pth) are not supported yet; save the state_dict "
           "as .safetensors";
  return read_safetensors(path, out);
}

} // namespace nnport::weights
