// libFuzzer target: arbitrary bytes as a Keras weights file read from memory: a `.keras` archive
// (zip) when the bytes start like one, otherwise an HDF5 file (Keras 3 `.weights.h5` or legacy
// `.h5`, told apart by content). Any crash, sanitizer report, hang or unbounded allocation in
// nnport's code is a finding; refusals are expected outcomes. Every byte of every returned tensor
// is read, so a view that points outside its buffer is caught by AddressSanitizer.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "weights/checkpoint.h"
#include "weights/keras_archive_reader.h"
#include "weights/keras_h5_reader.h"

// HDF5 1.10 trusts sizes in damaged object headers and asks malloc for up to ~200 GB, then
// handles the failed allocation as a read error. Under ASan's defaults such a request aborts the
// run (allocation-size-too-big / out of memory) before HDF5 can refuse the file, which would make
// every damaged header a "finding" in a library we do not fuzz. So allocations above 2 GB fail
// with NULL instead, as they would in a normal process; nnport's own allocations stay bounded by
// its readers' limits, and libFuzzer's -rss_limit_mb still catches real runaway memory use.
extern "C" const char* __asan_default_options() {
  return "allocator_may_return_null=1:max_allocation_size_mb=2048";
}

// HDF5 1.10 also leaks small blocks on some damaged files (found by this target); leaks whose
// allocation stack passes through libhdf5 are its own, and would otherwise hide nnport's.
extern "C" const char* __lsan_default_suppressions() { return "leak:libhdf5\n"; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto bytes = std::as_bytes(std::span(data, size));
  nnport::weights::Checkpoint checkpoint;
  const bool zip = size >= 2 && data[0] == 'P' && data[1] == 'K';
  const std::string error = zip ? nnport::weights::read_keras_archive(bytes, checkpoint)
                                : nnport::weights::read_keras_h5_image(bytes, checkpoint);
  if (!error.empty()) return 0;
  volatile uint8_t sink = 0;
  for (const auto& [name, view] : checkpoint.tensors)
    for (std::byte b : view.bytes) sink = static_cast<uint8_t>(sink ^ std::to_integer<uint8_t>(b));
  return 0;
}
