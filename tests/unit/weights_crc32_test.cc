// The folded CRC-32 of torch.save entries must equal zlib's for every length and alignment,
// alone and continued across parts (entries are checksummed piece by piece).
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstddef>
#include <random>
#include <span>
#include <vector>

#include "weights/crc32.h"

namespace {

uint32_t zlib_crc(std::span<const std::byte> data, uint32_t crc) {
  return static_cast<uint32_t>(::crc32_z(crc, reinterpret_cast<const Bytef*>(data.data()),
                                         static_cast<z_size_t>(data.size())));
}

std::vector<std::byte> random_bytes(size_t size) {
  std::mt19937 engine(7);
  std::vector<std::byte> bytes(size);
  for (auto& b : bytes) b = static_cast<std::byte>(engine() & 0xffu);
  return bytes;
}

}  // namespace

TEST(WeightsCrc32, EqualsZlibForEveryLengthAndAlignment) {
  const auto bytes = random_bytes(4096);
  for (size_t offset = 0; offset < 17; ++offset)
    for (size_t size = 0; size + offset <= 1100; size += (size < 300 ? 1 : 37)) {
      const auto data = std::span(bytes).subspan(offset, size);
      ASSERT_EQ(nnport::weights::crc32_of(data), zlib_crc(data, 0))
          << "offset " << offset << " size " << size;
      ASSERT_EQ(nnport::weights::crc32_of(data, 0x12345678u), zlib_crc(data, 0x12345678u))
          << "offset " << offset << " size " << size;
    }
}

TEST(WeightsCrc32, ContinuesAcrossParts) {
  const auto bytes = random_bytes(1 << 20);
  uint32_t crc = 0;
  for (size_t at = 0; at < bytes.size(); at += 4099)
    crc = nnport::weights::crc32_of(
        std::span(bytes).subspan(at, std::min<size_t>(4099, bytes.size() - at)), crc);
  EXPECT_EQ(crc, zlib_crc(bytes, 0));
  EXPECT_EQ(nnport::weights::crc32_of(bytes), zlib_crc(bytes, 0));
}

TEST(WeightsCrc32, KnownValue) {
  const char text[] = "123456789";
  EXPECT_EQ(nnport::weights::crc32_of(std::as_bytes(std::span(text, 9))), 0xCBF43926u);
}
