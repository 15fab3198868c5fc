// libFuzzer target: arbitrary bytes as a torch.save checkpoint (zip or legacy pickle format),
// read from memory. Any crash, sanitizer report, hang or unbounded allocation is a finding;
// refusals are expected outcomes. Every byte of every returned tensor is read, so a view that
// points outside its buffer is caught by AddressSanitizer.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "weights/checkpoint.h"
#include "weights/torch_checkpoint_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto bytes = std::as_bytes(std::span(data, size));
  nnport::weights::Checkpoint checkpoint;
  // Expected names change which dict is chosen; exercise both paths.
  static const std::string kNames[] = {"w", "0.weight"};
  std::span<const std::string> expected =
      size % 2 == 0 ? std::span<const std::string>(kNames) : std::span<const std::string>();
  if (!nnport::weights::read_torch_checkpoint(bytes, checkpoint, expected).empty()) return 0;
  volatile uint8_t sink = 0;
  for (const auto& [name, view] : checkpoint.tensors)
    for (std::byte b : view.bytes) sink = static_cast<uint8_t>(sink ^ std::to_integer<uint8_t>(b));
  return 0;
}
