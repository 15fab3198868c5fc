// Writer of PyTorch checkpoints in the format torch.save uses since PyTorch 1.6 and that
// torch.load reads (1.13 and later, also with weights_only=True): a zip archive (see
// zip_writer.h) of
//   <stem>/data/<k>    the bytes of tensor k (little-endian, row-major), one entry per tensor
//   <stem>/data.pkl    protocol 2 pickle of a collections.OrderedDict name -> tensor, each
//                      tensor as torch._utils._rebuild_tensor_v2(persistent storage ('storage',
//                      torch.<Kind>Storage, '<k>', 'cpu', numel), 0, size, stride, False,
//                      OrderedDict()), byte for byte what torch 1.13 pickles for a state_dict
//   <stem>/version     "3\n"        <stem>/byteorder  "little"
// The state_dict's `_metadata` attribute is not written: load_state_dict treats its absence as
// "current module versions", which is right for freshly generated code.
//
// Tensors are written as they are added (or streamed piece by piece), so a conversion holds at
// most one piece of a tensor at a time. The file appears at its destination only when finish()
// succeeds (temporary sibling + rename).
#pragma once

#include <filesystem>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "support/atomic_file.h"
#include "weights/tensor.h"
#include "weights/zip_writer.h"

namespace nnport::weights {

class TorchPtWriter {
 public:
  struct Options {
    ZipWriter::Options zip;  // zip layout knobs; the defaults are what PyTorch writes
  };

  explicit TorchPtWriter(const std::filesystem::path& destination, Options options = {});
  TorchPtWriter(const TorchPtWriter&) = delete;
  TorchPtWriter& operator=(const TorchPtWriter&) = delete;

  // Writes the tensor's bytes under the state_dict key `name` (any UTF-8 text, dots included).
  // Returns an empty string on success, otherwise what is wrong; after a failure every later
  // call fails and nothing is written at the destination.
  std::string add(std::string_view name, const TensorView& tensor);
  // The same tensor streamed: begin() with its dtype and shape, append() its row-major bytes
  // in consecutive parts, end() once all have come (a shortfall fails there).
  std::string begin(std::string_view name, pivot::DType dtype, const std::vector<int64_t>& shape);
  std::string append(std::span<const std::byte> bytes);
  std::string end();
  // Writes data.pkl and the small records, then renames the file into place.
  std::string finish();

  // Where the archive is written until finish() renames it into place.
  const std::filesystem::path& temporary_path() const { return temporary_.path(); }

  // The folder name inside the archive, from the destination's stem as torch.save does
  // ("model.pt" -> "model"); "archive" when the stem has characters other than [A-Za-z0-9_-.].
  static std::string archive_name(const std::filesystem::path& destination);

 private:
  struct Record {
    std::string name;
    pivot::DType dtype;
    std::vector<int64_t> shape;
  };

  std::string fail(std::string message);
  std::string pickle_state_dict() const;

  TemporarySibling temporary_;
  std::string stem_;
  ZipWriter zip_;
  std::vector<Record> records_;  // tensor k is stored in data/<k>
  std::set<std::string, std::less<>> names_;
  std::string error_;
  bool finished_ = false;
};

}  // namespace nnport::weights
