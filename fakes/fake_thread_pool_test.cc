#include "fakes/fake_thread_pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "fakes/string_transport.h"
#include "kit/defer_to_thread.h"
#include "testing/deferred_assertions.h"

namespace kit::fakes {
namespace {

using testing::assert_no_result;
using testing::failure_result_of;
using testing::success_result_of;

TEST(FakeThreadPool, WorkRunsWhenTheTestSaysAndTheResultComesWithIt) {
  FakeThreadPool pool;
  Deferred<int> d = defer_to_thread(pool, [] { return 6 * 7; });
  EXPECT_EQ(pool.pending(), 1u);
  assert_no_result(d);
  EXPECT_EQ(pool.run_all(), 1u);
  EXPECT_EQ(success_result_of(d), 42);
}

TEST(FakeThreadPool, AnExceptionBecomesTheFailure) {
  FakeThreadPool pool;
  Deferred<std::string> d =
      defer_to_thread(pool, []() -> std::string { throw std::runtime_error("disk on fire"); });
  pool.run_all();
  EXPECT_EQ(failure_result_of(d).what(), "disk on fire");
}

TEST(FakeThreadPool, JobsRunInTheOrderSubmittedAndKeepTheirKeys) {
  FakeThreadPool pool;
  std::vector<int> ran;
  for (int i = 0; i < 3; ++i) {
    defer_to_thread(pool, i == 1 ? "b" : "a", [&ran, i] { ran.push_back(i); });
  }
  EXPECT_THAT(pool.pending_keys(), ::testing::ElementsAre("a", "b", "a"));
  pool.run_all();
  EXPECT_THAT(ran, ::testing::ElementsAre(0, 1, 2));
}

// A protocol that closes its connection when its blocking work is done.
class CloseWhenDone : public Protocol {
 public:
  void connection_made() override {
    defer_to_thread(thread_pool(), [] { return 1; }).add_callback([this](int) {
      transport()->lose_connection();
      closed_inside = true;
      lost_inside_close = lost;
    });
  }
  void connection_lost(const Failure&) override { lost = true; }
  bool closed_inside = false;
  bool lost_inside_close = false;
  bool lost = false;
};

TEST(FakeThreadPool, ResultsRunAsADrivingCallSoACloseCompletesAfterThem) {
  FakeContext context;
  StringTransport transport;
  transport.set_context(context);
  CloseWhenDone protocol;
  transport.connect(protocol);
  context.thread_pool().run_all();
  EXPECT_TRUE(protocol.closed_inside);
  EXPECT_FALSE(protocol.lost_inside_close) << "connection_lost ran inside lose_connection()";
  EXPECT_TRUE(protocol.lost);
}

TEST(FakeThreadPool, AGivenDeliveryReceivesTheResults) {
  std::vector<unique_function<void()>> delivered;
  FakeThreadPool pool([&](unique_function<void()> done) { delivered.push_back(std::move(done)); });
  Deferred<int> d = defer_to_thread(pool, [] { return 1; });
  pool.run_all();
  assert_no_result(d);
  ASSERT_EQ(delivered.size(), 1u);
  delivered[0]();
  EXPECT_EQ(success_result_of(d), 1);
}

}  // namespace
}  // namespace kit::fakes
