// `.keras` archive reader: zip member lookup, then the HDF5 weights reader on the member.
#include "weights/keras_archive_reader.h"

#include <fmt/format.h>

#include "weights/keras_h5_reader.h"
#include "weights/zip_archive.h"

namespace nnport::weights {
namespace {

constexpr const char* kWeightsMember = "model.weights.h5";
// config.json describes layers, not data: a few MiB at most even for very large models.
constexpr uint64_t kMaxJsonMember = 64ull << 20;

// Copies a small text member into metadata[name]; absent members are not an error.
std::string keep_text_member(const ZipArchive& archive, const char* name, Checkpoint& out) {
  const ZipEntry* entry = archive.find(name);
  if (!entry) return {};
  std::string error;
  auto bytes = archive.extract(*entry, error, kMaxJsonMember);
  if (!bytes) return fmt::format("member {}: {}", name, error);
  out.metadata[name] = std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  return {};
}

}  // namespace

std::string read_keras_archive(const std::string& path, Checkpoint& out) {
  out = Checkpoint{};
  if (auto error = out.mapping.open(path); !error.empty()) return error;
  return read_keras_archive(out.mapping.bytes(), out);
}

std::string read_keras_archive(std::span<const std::byte> bytes, Checkpoint& out) {
  std::string error;
  auto archive = ZipArchive::open(bytes, error);
  if (!archive) return fmt::format("not a readable .keras archive: {}", error);

  const ZipEntry* weights = archive->find(kWeightsMember);
  if (!weights) {
    if (archive->find("model.weights.json"))
      return "sharded .keras weights (model.weights.json) are not supported; save the model "
             "unsharded";
    return fmt::format("the archive has no {} member", kWeightsMember);
  }
  std::span<const std::byte> image;
  if (weights->method == ZipArchive::kStored) {
    auto stored = archive->stored_bytes(*weights, error);
    if (!stored) return fmt::format("member {}: {}", kWeightsMember, error);
    image = *stored;
  } else {
    auto inflated = archive->extract(*weights, error);
    if (!inflated) return fmt::format("member {}: {}", kWeightsMember, error);
    out.buffers.push_back(std::move(*inflated));
    image = out.buffers.back();
  }
  if (auto failure = read_keras_h5_image(image, out); !failure.empty())
    return fmt::format("member {}: {}", kWeightsMember, failure);
  if (auto failure = keep_text_member(*archive, "config.json", out); !failure.empty())
    return failure;
  return keep_text_member(*archive, "metadata.json", out);
}

}  // namespace nnport::weights
