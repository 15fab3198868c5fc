// Where converted weights go: one interface per target file format, fed tensor by tensor (and
// each tensor piece by piece), so conversion never holds more than one tensor's worth of
// buffers. Sinks write to a temporary sibling of the destination and only `commit` makes the
// file appear; `abort` (or destruction without commit) leaves nothing behind.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "pivot/types.h"
#include "weights/tensor.h"

namespace nnport::weights {

// A tensor produced piece by piece: `fill(box, out)` writes the row-major elements of box
// `box` ([start, start + count) of `shape`) into `out`. The boxes follow each other in row-major
// order of the tensor and each is one contiguous range of it, so a sink can append them.
struct TensorSource {
  pivot::DType dtype = pivot::DType::Float32;
  std::vector<int64_t> shape;
  struct Box {
    std::vector<int64_t> start;
    std::vector<int64_t> count;
    uint64_t bytes = 0;
  };
  std::vector<Box> boxes;
  std::function<void(size_t box, std::byte* out)> fill;
};

class WeightSink {
 public:
  virtual ~WeightSink() = default;

  // The dtype the target stores a tensor of `source` dtype in (Keras variables hold float32);
  // nullopt when the target cannot hold it.
  virtual std::optional<pivot::DType> stored_dtype(pivot::DType source) const = 0;
  // Each returns an empty string on success, otherwise what failed. `open` comes first and
  // creates the temporary file; conversion calls it only once the whole plan checked out.
  virtual std::string open() = 0;
  virtual std::string add(const std::string& name, const TensorSource& tensor) = 0;
  // A tensor already in memory, as one box.
  std::string add_view(const std::string& name, const TensorView& tensor);
  virtual std::string add_empty_group(const std::string& name) = 0;
  virtual std::string commit() = 0;
  virtual void abort() = 0;
};

// Keras 3 `.weights.h5` at `path` (see keras_h5_writer.h).
std::unique_ptr<WeightSink> make_keras_h5_sink(const std::string& path);

// PyTorch state_dict at `path` as torch.save writes it (see torch_pt_writer.h); dtypes kept.
std::unique_ptr<WeightSink> make_torch_pt_sink(const std::string& path);

}  // namespace nnport::weights
