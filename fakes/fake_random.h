// FakeRandom: a Random for tests -- seeded, scriptable and strict when asked.
//
// Bytes come first from the script (script(), in order, across draws), then from a
// generator seeded with the seed given (std::mt19937_64, whose output the C++ standard
// fixes, so a seed gives the same bytes on every machine). Every draw is kept, whole and
// in order, in draws(), so a test can check what a protocol drew and a replay can hand
// the same values back:
//
//   kit::fakes::FakeRandom random(/*seed=*/7);
//   random.script(std::string(16, '\x01'));   // the next 16 bytes drawn
//   ...
//   EXPECT_EQ(random.draws().at(0), std::string(16, '\x01'));
//
// With set_script_only(true) a draw the script cannot cover throws std::logic_error,
// naming how many bytes were asked and left: a replay must not invent values.
//
// Thread safety: one thread.
#ifndef KIT_FAKES_FAKE_RANDOM_H_
#define KIT_FAKES_FAKE_RANDOM_H_

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kit/random.h"

namespace kit::fakes {

class FakeRandom final : public Random {
 public:
  explicit FakeRandom(std::uint64_t seed = 0) : seed_(seed), generator_(seed) {}

  void fill(std::span<std::byte> out) override;

  // script: these bytes are handed out next, before the generator's.
  void script(std::string_view bytes) { scripted_.append(bytes); }
  // scripted_left: bytes of the script not drawn yet.
  std::size_t scripted_left() const noexcept { return scripted_.size() - scripted_used_; }
  // set_script_only: refuse draws beyond the script (std::logic_error).
  void set_script_only(bool on) noexcept { script_only_ = on; }

  // draws: every fill(), as the bytes it gave, in order.
  const std::vector<std::string>& draws() const noexcept { return draws_; }
  std::uint64_t seed() const noexcept { return seed_; }

 private:
  std::uint64_t seed_;
  std::mt19937_64 generator_;
  std::string scripted_;
  std::size_t scripted_used_ = 0;
  bool script_only_ = false;
  std::vector<std::string> draws_;
};

}  // namespace kit::fakes

#endif  // KIT_FAKES_FAKE_RANDOM_H_
