// FakeContext: a Context (kit/context.h) made of fakes -- a FakeClock, a seeded
// FakeRandom and a FakeThreadPool -- for protocols under test.
//
//   kit::fakes::FakeContext context(/*seed=*/1);
//   kit::fakes::StringTransport transport;
//   transport.set_context(context);
//   transport.set_clock(&context.clock());    // requests from outside complete on advances
//   transport.connect(protocol);
//   context.clock().advance(seconds(60));     // the protocol's timers
//   context.thread_pool().run_all();          // its blocking work, and the results
//
// The clock is its own unless one is given (a test that already has a FakeClock).
//
// Thread safety: the test's thread.
#ifndef KIT_FAKES_FAKE_CONTEXT_H_
#define KIT_FAKES_FAKE_CONTEXT_H_

#include <cstdint>
#include <optional>

#include "fakes/fake_clock.h"
#include "fakes/fake_random.h"
#include "fakes/fake_thread_pool.h"
#include "kit/context.h"

namespace kit::fakes {

class FakeContext final : public Context {
 public:
  explicit FakeContext(std::uint64_t seed = 0) : FakeContext(nullptr, seed) {}
  // With `clock` (which must outlive this) in place of a clock of its own.
  explicit FakeContext(FakeClock& clock, std::uint64_t seed = 0) : FakeContext(&clock, seed) {}
  FakeContext(const FakeContext&) = delete;
  FakeContext& operator=(const FakeContext&) = delete;

  FakeClock& clock() override { return *clock_; }
  FakeRandom& random() override { return random_; }
  FakeThreadPool& thread_pool() override { return thread_pool_; }

 private:
  FakeContext(FakeClock* clock, std::uint64_t seed) : clock_(clock), random_(seed) {
    if (clock_ == nullptr) clock_ = &owned_clock_.emplace();
  }

  std::optional<FakeClock> owned_clock_;
  FakeClock* clock_;
  FakeRandom random_;
  FakeThreadPool thread_pool_;
};

}  // namespace kit::fakes

#endif  // KIT_FAKES_FAKE_CONTEXT_H_
