// libFuzzer target: arbitrary bytes as a PyTorch source file through the whole in-memory
// migration (reader, passes, Keras writer). Any crash, sanitizer report, hang or unbounded
// allocation is a finding; diagnostics and failures are expected outcomes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "passes/pipeline.h"
#include "readers/pytorch/reader.h"
#include "writers/keras/writer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string source(reinterpret_cast<const char*>(data), size);
  nnport::DiagnosticEngine diags;
  nnport::readers::ReadOptions options;
  // With and without an explicit input shape exercise different reader paths.
  if (size % 2 == 0)
    options.inputs.push_back({std::vector<int64_t>{nnport::pivot::kBatch, 3, 8, 8}, std::nullopt});
  auto model = nnport::readers::read_pytorch("fuzz.py", source, options, diags);
  if (!model) return 0;
  if (!nnport::passes::prepare_for_channels_last(*model, diags)) return 0;
  for (auto api : {nnport::writers::keras::Api::Keras3, nnport::writers::keras::Api::TfKeras})
    (void)nnport::writers::keras::write_keras(*model, {api, "fuzz.py"}, diags);
  return 0;
}
