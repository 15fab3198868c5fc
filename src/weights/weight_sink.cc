// WeightSink helpers and the Keras 3 `.weights.h5` sink.
#include "weights/weight_sink.h"

#include <algorithm>
#include <optional>

#include "support/atomic_file.h"
#include "weights/keras_h5_writer.h"
#include "weights/torch_pt_writer.h"
#include "weights/write_behind.h"

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
    auto error = stream_.create(temporary_->path().string());
    if (error.empty()) write_behind_.watch(temporary_->path().string());
    return error;
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
      write_behind_.progress();
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
  WriteBehind write_behind_;
};

// Streams each tensor into its zip entry box by box (the boxes are consecutive ranges), through
// one buffer grown to the largest box.
class TorchPtSink final : public WeightSink {
 public:
  explicit TorchPtSink(std::string path) : path_(std::move(path)) {}

  std::string open() override {
    // The archive is written with its own write-behind (see direct_file_writer.h).
    writer_.emplace(path_);
    return {};
  }

  std::optional<pivot::DType> stored_dtype(pivot::DType source) const override { return source; }

  std::string add(const std::string& name, const TensorSource& tensor) override {
    if (!writer_) return "internal: the sink was not opened";
    if (auto error = writer_->begin(name, tensor.dtype, tensor.shape); !error.empty()) return error;
    for (size_t i = 0; i < tensor.boxes.size(); ++i) {
      const auto& box = tensor.boxes[i];
      if (box.bytes == 0) continue;
      if (buffer_.size() < box.bytes) buffer_.resize(box.bytes);
      tensor.fill(i, buffer_.data());
      if (auto error = writer_->append(std::span(buffer_.data(), box.bytes)); !error.empty())
        return error;
    }
    return writer_->end();
  }

  // A state_dict has no groups: weightless modules simply have no keys.
  std::string add_empty_group(const std::string&) override { return {}; }

  std::string commit() override {
    if (!writer_) return "internal: the sink was not opened";
    return writer_->finish();
  }

  void abort() override { writer_.reset(); }

 private:
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
