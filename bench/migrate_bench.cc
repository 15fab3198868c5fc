// In-process cost of each migration stage on the 300-line benchmark model (read, passes, write).
// bench/run.sh measures the whole process, start-up included, with hyperfine.
#include <benchmark/benchmark.h>

#include <string>

#include "passes/pipeline.h"
#include "readers/pytorch/reader.h"
#include "support/atomic_file.h"
#include "writers/keras/writer.h"

namespace {

const std::string kModel = NNPORT_SOURCE_DIR "/bench/models/deep_cnn_300.py";

std::string source_text() {
  bool ok = false;
  static const std::string text = nnport::read_file(kModel, &ok);
  return text;
}

nnport::readers::ReadOptions options() {
  nnport::readers::ReadOptions o;
  o.inputs.push_back({std::vector<int64_t>{nnport::pivot::kBatch, 3, 64, 64}, std::nullopt});
  return o;
}

void BM_Read(benchmark::State& state) {
  const std::string text = source_text();
  for (auto _ : state) {
    nnport::DiagnosticEngine diags;
    auto model = nnport::readers::read_pytorch(kModel, text, options(), diags);
    benchmark::DoNotOptimize(model);
  }
}
BENCHMARK(BM_Read)->Unit(benchmark::kMillisecond);

void BM_ReadPlanWrite(benchmark::State& state) {
  const std::string text = source_text();
  for (auto _ : state) {
    nnport::DiagnosticEngine diags;
    auto model = nnport::readers::read_pytorch(kModel, text, options(), diags);
    if (!model || !nnport::passes::prepare_for_channels_last(*model, diags)) {
      state.SkipWithError("migration failed");
      return;
    }
    auto out = nnport::writers::keras::write_keras(*model, {}, diags);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_ReadPlanWrite)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
