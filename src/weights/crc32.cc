// CRC-32 by folding with carry-less multiplication (Intel, "Fast CRC Computation for Generic
// Polynomials Using PCLMULQDQ Instruction", 2009; the constants are those of the reflected
// polynomial 0xEDB88320, as in Chromium's zlib), zlib for short buffers and the remainder.
#include "weights/crc32.h"

#include <zlib.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace nnport::weights {
namespace {

uint32_t crc32_zlib(const std::byte* data, size_t size, uint32_t crc) {
  return static_cast<uint32_t>(
      ::crc32_z(crc, reinterpret_cast<const Bytef*>(data), static_cast<z_size_t>(size)));
}

#if defined(__x86_64__)
// `into` folded over 128 bits onto `next` with the constants `k` (a lambda would not inherit
// the target attribute).
__attribute__((target("pclmul,sse4.1"))) inline __m128i fold_onto(__m128i into, __m128i next,
                                                                  __m128i k) {
  const __m128i low = _mm_clmulepi64_si128(into, k, 0x00);
  const __m128i high = _mm_clmulepi64_si128(into, k, 0x11);
  return _mm_xor_si128(_mm_xor_si128(high, next), low);
}

// Folds `size` bytes (a multiple of 16, at least 64) into the pre-inverted `crc`; returns the
// pre-inverted result.
__attribute__((target("pclmul,sse4.1"))) uint32_t crc32_fold(const std::byte* data, size_t size,
                                                             uint32_t crc) {
  alignas(16) static const uint64_t k1k2[] = {0x0154442bd4, 0x01c6e41596};
  alignas(16) static const uint64_t k3k4[] = {0x01751997d0, 0x00ccaa009e};
  alignas(16) static const uint64_t k5k0[] = {0x0163cd6124, 0x0000000000};
  alignas(16) static const uint64_t poly[] = {0x01db710641, 0x01f7011641};
  auto load = [](const std::byte* p) {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  };
  auto constants = [](const uint64_t* p) {
    return _mm_load_si128(reinterpret_cast<const __m128i*>(p));
  };

  __m128i x1 = load(data);
  __m128i x2 = load(data + 16);
  __m128i x3 = load(data + 32);
  __m128i x4 = load(data + 48);
  x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128(static_cast<int>(crc)));
  __m128i x0 = constants(k1k2);
  data += 64;
  size -= 64;

  // Four 128-bit lanes folded in parallel, 64 bytes per step.
  while (size >= 64) {
    const __m128i x5 = _mm_clmulepi64_si128(x1, x0, 0x00);
    const __m128i x6 = _mm_clmulepi64_si128(x2, x0, 0x00);
    const __m128i x7 = _mm_clmulepi64_si128(x3, x0, 0x00);
    const __m128i x8 = _mm_clmulepi64_si128(x4, x0, 0x00);
    x1 = _mm_clmulepi64_si128(x1, x0, 0x11);
    x2 = _mm_clmulepi64_si128(x2, x0, 0x11);
    x3 = _mm_clmulepi64_si128(x3, x0, 0x11);
    x4 = _mm_clmulepi64_si128(x4, x0, 0x11);
    x1 = _mm_xor_si128(_mm_xor_si128(x1, x5), load(data));
    x2 = _mm_xor_si128(_mm_xor_si128(x2, x6), load(data + 16));
    x3 = _mm_xor_si128(_mm_xor_si128(x3, x7), load(data + 32));
    x4 = _mm_xor_si128(_mm_xor_si128(x4, x8), load(data + 48));
    data += 64;
    size -= 64;
  }

  // The four lanes into one.
  x0 = constants(k3k4);
  x1 = fold_onto(x1, x2, x0);
  x1 = fold_onto(x1, x3, x0);
  x1 = fold_onto(x1, x4, x0);
  while (size >= 16) {
    x1 = fold_onto(x1, load(data), x0);
    data += 16;
    size -= 16;
  }

  // 128 bits to 64, then Barrett reduction to 32.
  x2 = _mm_clmulepi64_si128(x1, x0, 0x10);
  x3 = _mm_setr_epi32(~0, 0, ~0, 0);
  x1 = _mm_srli_si128(x1, 8);
  x1 = _mm_xor_si128(x1, x2);
  x0 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(k5k0));
  x2 = _mm_srli_si128(x1, 4);
  x1 = _mm_and_si128(x1, x3);
  x1 = _mm_clmulepi64_si128(x1, x0, 0x00);
  x1 = _mm_xor_si128(x1, x2);
  x0 = constants(poly);
  x2 = _mm_and_si128(x1, x3);
  x2 = _mm_clmulepi64_si128(x2, x0, 0x10);
  x2 = _mm_and_si128(x2, x3);
  x2 = _mm_clmulepi64_si128(x2, x0, 0x00);
  x1 = _mm_xor_si128(x1, x2);
  return static_cast<uint32_t>(_mm_extract_epi32(x1, 1));
}

bool has_pclmul() {
  static const bool has = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
  return has;
}
#endif

}  // namespace

uint32_t crc32_of(std::span<const std::byte> data, uint32_t crc) {
  const std::byte* p = data.data();
  size_t size = data.size();
#if defined(__x86_64__)
  if (size >= 64 && has_pclmul()) {
    const size_t folded = size & ~size_t{15};
    crc = ~crc32_fold(p, folded, ~crc);
    p += folded;
    size -= folded;
  }
#endif
  return size == 0 ? crc : crc32_zlib(p, size, crc);
}

}  // namespace nnport::weights
