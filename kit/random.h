// Random: where a protocol gets random bytes and numbers (a nonce, a session id, jitter).
//
// Protocols never read the operating system's randomness directly: they draw through
// the Random of their transport's context (kit/context.h), so a unit test can hand them
// a seeded or scripted one (fakes/fake_random.h) and a replay can hand back exactly the
// values a recorded session drew. The live one is SystemRandom (kit/system_random.h),
// the operating system's CSPRNG.
//
// Every draw goes through fill(), the one virtual call, so a layer that records draws
// (or replays them) sees each one whole, in order.
//
// Thread safety: one thread (the reactor's), like the rest of a protocol's context.
#ifndef KIT_RANDOM_H_
#define KIT_RANDOM_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace kit {

class Random {
 public:
  virtual ~Random() = default;

  // fill: sets every byte of `out` to random bytes. Throws std::system_error when the
  // source fails (the live one never gives weak bytes instead).
  virtual void fill(std::span<std::byte> out) = 0;

  // bytes: `n` random bytes.
  std::string bytes(std::size_t n);

  // next_u64: a uniformly random 64-bit integer (one 8-byte draw, little-endian).
  std::uint64_t next_u64();

  // uniform: a uniformly random integer in [low, high], without modulo bias. Throws
  // std::invalid_argument when low > high.
  std::uint64_t uniform(std::uint64_t low, std::uint64_t high);

  // hex: `n` random bytes as 2n lowercase hex digits (PKUP/1's nonce is hex(16)).
  std::string hex(std::size_t n);
};

}  // namespace kit

#endif  // KIT_RANDOM_H_
