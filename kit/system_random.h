// SystemRandom: the operating system's CSPRNG (getrandom(2)), the live reactor's Random.
//
// Nothing is cached or seeded in user space: every fill() asks the kernel, so forked
// processes never share a stream and the bytes are fit for keys and nonces.
//
// Thread safety: fill() may be called from any thread.
#ifndef KIT_SYSTEM_RANDOM_H_
#define KIT_SYSTEM_RANDOM_H_

#include <cstddef>
#include <span>

#include "kit/random.h"

namespace kit {

class SystemRandom final : public Random {
 public:
  void fill(std::span<std::byte> out) override;
};

}  // namespace kit

#endif  // KIT_SYSTEM_RANDOM_H_
