// libFuzzer target: arbitrary bytes as a .safetensors file, read from memory. Any crash,
// sanitizer report, hang or unbounded allocation is a finding; refusals are expected. Every
// byte of every returned tensor is read, so an out-of-bounds view is caught by AddressSanitizer.
#include <cstddef>
#include <cstdint>
#include <span>

#include "weights/checkpoint.h"
#include "weights/safetensors_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nnport::weights::Checkpoint checkpoint;
  if (!nnport::weights::read_safetensors(std::as_bytes(std::span(data, size)), checkpoint).empty())
    return 0;
  volatile uint8_t sink = 0;
  for (const auto& [name, view] : checkpoint.tensors)
    for (std::byte b : view.bytes) sink = static_cast<uint8_t>(sink ^ std::to_integer<uint8_t>(b));
  return 0;
}
