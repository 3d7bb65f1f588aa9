#include "kit/deferred_list.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing/deferred_assertions.h"
#include "testing/log_capture.h"

namespace kit {
namespace {

using testing::assert_no_result;
using ::testing::ElementsAre;
using testing::failure_result_of;
using ::testing::IsEmpty;
using testing::success_result_of;

std::vector<int> values_of(const std::vector<Outcome<int>>& outcomes) {
  std::vector<int> values;
  for (const auto& outcome : outcomes) values.push_back(outcome.has_value() ? outcome.value() : -1);
  return values;
}

TEST(DeferredList, EmptyListFiresAtOnce) {
  auto list = deferred_list(std::vector<Deferred<int>>{});
  EXPECT_THAT(success_result_of(list), IsEmpty());
}

TEST(DeferredList, ResultsAreInInputOrderWhenTheyArriveOutOfOrder) {
  Deferred<int> a, b, c;
  auto list = deferred_list(std::vector<Deferred<int>>{a, b, c});
  c.callback(3);
  a.callback(1);
  assert_no_result(list);
  b.callback(2);
  EXPECT_THAT(values_of(success_result_of(list)), ElementsAre(1, 2, 3));
}

TEST(DeferredList, FailuresAreOutcomesOfTheList) {
  Deferred<int> a, b;
  auto list = deferred_list(std::vector<Deferred<int>>{a, b}, {.consume_errors = true});
  b.errback(Failure(errc::timed_out));
  a.callback(1);
  const auto& outcomes = success_result_of(list);
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].value(), 1);
  EXPECT_TRUE(outcomes[1].failure().is(errc::timed_out));
}

TEST(DeferredList, WithoutConsumeErrorsTheInputFailureIsStillUnhandled) {
  testing::LogCapture log;
  {
    Deferred<int> a;
    auto list = deferred_list(std::vector<Deferred<int>>{a});
    a.errback(Failure(errc::timed_out, "input"));
  }
  EXPECT_THAT(log.errors(), ElementsAre(::testing::HasSubstr("input: timed out")));
}

TEST(DeferredList, ConsumeErrorsKeepsInputFailuresFromBeingReported) {
  testing::LogCapture log;
  {
    Deferred<int> a;
    auto list = deferred_list(std::vector<Deferred<int>>{a}, {.consume_errors = true});
    a.errback(Failure(errc::timed_out));
  }
  EXPECT_THAT(log.errors(), IsEmpty());
}

TEST(DeferredList, FireOnFirstSuccessLeavesTheOthersPending) {
  Deferred<int> a, b;
  auto list = deferred_list(std::vector<Deferred<int>>{a, b}, {.fire_on_first_success = true});
  b.callback(7);
  const auto& outcomes = success_result_of(list);
  EXPECT_TRUE(outcomes[0].pending());
  EXPECT_EQ(outcomes[1].value(), 7);
  a.callback(1);  // later results do not fire the list again
}

TEST(DeferredList, FireOnFirstFailureGivesIndexAndFailure) {
  Deferred<int> a, b;
  auto list = deferred_list(std::vector<Deferred<int>>{a, b},
                            {.fire_on_first_failure = true, .consume_errors = true});
  a.callback(1);
  b.errback(Failure(errc::connection_lost, "b"));
  Failure failure = failure_result_of(list);
  EXPECT_TRUE(failure.is(errc::connection_lost));
  try {
    failure.rethrow();
  } catch (const FirstError& first) {
    EXPECT_EQ(first.index(), 1u);
    EXPECT_EQ(first.input_failure().message(), "b");
  }
}

TEST(DeferredList, CancellingTheListCancelsInputsWithoutResult) {
  int cancelled = 0;
  Deferred<int> a([&](Deferred<int>&) { ++cancelled; });
  Deferred<int> b([&](Deferred<int>&) { ++cancelled; });
  a.callback(1);
  auto list = deferred_list(std::vector<Deferred<int>>{a, b}, {.consume_errors = true});
  list.cancel();
  EXPECT_EQ(cancelled, 1);
  const auto& outcomes = success_result_of(list);
  EXPECT_EQ(outcomes[0].value(), 1);
  EXPECT_TRUE(outcomes[1].failure().is(errc::cancelled));
}

TEST(Gather, AllValuesInInputOrder) {
  Deferred<std::string> a, b;
  auto all = gather(std::vector<Deferred<std::string>>{a, b});
  b.callback("second");
  assert_no_result(all);
  a.callback("first");
  EXPECT_THAT(success_result_of(all), ElementsAre("first", "second"));
}

TEST(Gather, FirstFailureItself) {
  Deferred<int> a, b;
  auto all = gather(std::vector<Deferred<int>>{a, b});
  b.errback(Failure(errc::timed_out, "b"));
  Failure failure = failure_result_of(all);
  EXPECT_TRUE(failure.is(errc::timed_out));
  EXPECT_EQ(failure.message(), "b");
  a.callback(1);
}

TEST(Gather, VoidInputs) {
  Deferred<void> a, b;
  Deferred<void> all = gather(std::vector<Deferred<void>>{a, b});
  a.callback();
  assert_no_result(all);
  b.callback();
  success_result_of(all);
}

}  // namespace
}  // namespace kit
