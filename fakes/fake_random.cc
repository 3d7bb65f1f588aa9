#include "fakes/fake_random.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace kit::fakes {

void FakeRandom::fill(std::span<std::byte> out) {
  if (script_only_ && out.size() > scripted_left()) {
    throw std::logic_error("FakeRandom: a draw of " + std::to_string(out.size()) +
                           " bytes, and only " + std::to_string(scripted_left()) +
                           " scripted bytes are left");
  }
  const std::size_t from_script = std::min(out.size(), scripted_left());
  std::memcpy(out.data(), scripted_.data() + scripted_used_, from_script);
  scripted_used_ += from_script;
  if (scripted_used_ == scripted_.size()) {
    scripted_.clear();
    scripted_used_ = 0;
  }
  for (std::size_t i = from_script; i < out.size();) {
    std::uint64_t word = generator_();
    for (int b = 0; b < 8 && i < out.size(); ++b, ++i) {
      out[i] = static_cast<std::byte>(word & 0xff);
      word >>= 8;
    }
  }
  draws_.emplace_back(reinterpret_cast<const char*>(out.data()), out.size());
}

}  // namespace kit::fakes
