// WeightSink helpers and the Keras 3 `.weights.h5` sink.
#include "weights/weight_sink.h"

#include <algorithm>
#include <optional>

#include "support/atomic_file.h"
#include "weights/keras_h5_writer.h"
#include "weights/torch_pt_writer.h"

namespace nnport::weights {

std::string WeightSink::add_view(const std::string& name, const TensorView& tensor) {
  TensorSource source;
  source.dtype = tensor.dtype;
  source.shape = tensor.shape;
  source.boxes.push_back(
      {std::vector<int64_t>(tensor.shape.size(), 0), tensor.shape, tensor.bytes.size()});
  source.fill = [&tensor](size_t, std::byte* out) {
    if (!tensor.bytes.empty()) std::copy(tensor.bytes.begin(), tensor.bytes.end(), out);
  };
  return add(name, source);
}

namespace {

class KerasH5Sink final : public WeightSink {
 public:
  explicit KerasH5Sink(std::string path) : path_(std::move(path)) {}

  std::string open() override {
    temporary_.emplace(path_);
    return stream_.create(temporary_->path().string());
  }

  // Keras variables are float32 (bfloat16 would need a dtype attribute); Keras has no boolean
  // variables, and no PyTorch layer stores one as a parameter either.
  std::optional<pivot::DType> stored_dtype(pivot::DType source) const override {
    if (source == pivot::DType::Bool) return std::nullopt;
    return pivot::is_floating(source) ? pivot::DType::Float32 : source;
  }

  std::string add(const std::string& name, const TensorSource& tensor) override {
    if (auto error = stream_.begin_dataset(name, tensor.dtype, tensor.shape); !error.empty())
      return error;
    for (size_t i = 0; i < tensor.boxes.size(); ++i) {
      const auto& box = tensor.boxes[i];
      // One buffer, grown to the largest box, serves every tensor of the file.
      if (buffer_.size() < box.bytes) buffer_.resize(box.bytes);
      tensor.fill(i, buffer_.data());
      if (auto error = stream_.write_box(box.start, box.count, buffer_.data()); !error.empty())
        return error;
      if (tensor.done) tensor.done(i);
    }
    return stream_.end_dataset();
  }

  std::string add_empty_group(const std::string& name) override {
    return stream_.add_empty_group(name);
  }

  std::string commit() override {
    if (!temporary_) return "internal: the sink was not opened";
    if (auto error = stream_.close(); !error.empty()) return error;
    return temporary_->commit();
  }

  void abort() override { temporary_.reset(); }

 private:
  std::string path_;
  // Destroyed after the stream closes its file, so the guard removes a file nobody holds open.
  std::optional<TemporarySibling> temporary_;
  KerasWeightsH5Stream stream_;
  std::vector<std::byte> buffer_;
};

// TorchPtWriter takes whole tensors: each is assembled in one buffer, reused across tensors.
class TorchPtSink final : public WeightSink {
 public:
  explicit TorchPtSink(std::string path) : path_(std::move(path)) {}

  std::string open() override {
    writer_.emplace(path_);
    return {};
  }

  std::optional<pivot::DType> stored_dtype(pivot::DType source) const override { return source; }

  std::string add(const std::string& name, const TensorSource& tensor) override {
    if (!writer_) return "internal: the sink was not opened";
    uint64_t total = 0;
    for (const auto& box : tensor.boxes) total += box.bytes;
    buffer_.resize(total);
    // Boxes tile the tensor but need not be row-major ranges of it: scatter each into place.
    std::vector<std::byte> piece;
    const size_t element = pivot::dtype_size(tensor.dtype);
    for (size_t i = 0; i < tensor.boxes.size(); ++i) {
      const auto& box = tensor.boxes[i];
      if (box.bytes == 0) continue;
      piece.resize(box.bytes);
      tensor.fill(i, piece.data());
      scatter_box(tensor.shape, box, element, piece.data(), buffer_.data());
      if (tensor.done) tensor.done(i);
    }
    return writer_->add(name, TensorView{tensor.dtype, tensor.shape, buffer_});
  }

  // A state_dict has no groups: weightless modules simply have no keys.
  std::string add_empty_group(const std::string&) override { return {}; }

  std::string commit() override {
    if (!writer_) return "internal: the sink was not opened";
    return writer_->finish();
  }

  void abort() override { writer_.reset(); }

 private:
  static void scatter_box(const std::vector<int64_t>& shape, const TensorSource::Box& box,
                          size_t element, const std::byte* in, std::byte* out) {
    // Rows of the box (its innermost axis) are contiguous in the tensor too.
    const size_t rank = shape.size();
    if (rank == 0) {
      std::copy(in, in + element, out);
      return;
    }
    std::vector<uint64_t> strides(rank, 1);
    for (size_t a = rank - 1; a-- > 0;)
      strides[a] = strides[a + 1] * static_cast<uint64_t>(shape[a + 1]);
    const size_t row = static_cast<size_t>(box.count[rank - 1]) * element;
    std::vector<int64_t> index(rank - 1, 0);
    for (;;) {
      uint64_t offset = static_cast<uint64_t>(box.start[rank - 1]);
      for (size_t a = 0; a + 1 < rank; ++a)
        offset += static_cast<uint64_t>(box.start[a] + index[a]) * strides[a];
      std::copy(in, in + row, out + offset * element);
      in += row;
      size_t a = rank - 1;
      while (a > 0 && ++index[a - 1] == box.count[a - 1]) index[--a] = 0;
      if (a == 0) return;
    }
  }

  std::string path_;
  std::optional<TorchPtWriter> writer_;
  std::vector<std::byte> buffer_;
};

}  // namespace

std::unique_ptr<WeightSink> make_keras_h5_sink(const std::string& path) {
  return std::make_unique<KerasH5Sink>(path);
}

std::unique_ptr<WeightSink> make_torch_pt_sink(const std::string& path) {
  return std::make_unique<TorchPtSink>(path);
}

}  // namespace nnport::weights
