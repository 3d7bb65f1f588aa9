#include "kit/system_random.h"

#include <sys/random.h>

#include <cerrno>
#include <system_error>

namespace kit {

void SystemRandom::fill(std::span<std::byte> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    // getrandom returns at most 32 MiB per call and may be interrupted by a signal.
    const ssize_t got = ::getrandom(out.data() + done, out.size() - done, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::system_category(), "getrandom");
    }
    done += static_cast<std::size_t>(got);
  }
}

}  // namespace kit
