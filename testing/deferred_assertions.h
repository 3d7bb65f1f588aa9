// Synchronous assertions on Deferreds, for tests (Twisted's successResultOf,
// failureResultOf and assertNoResult).
//
//   EXPECT_EQ(success_result_of(d), 42);
//   EXPECT_TRUE(failure_result_of(d).is(kit::errc::timed_out));
//   assert_no_result(d);
//
// None of them changes the chain: no callback is added, the result stays for callbacks
// added later. failure_result_of() marks the failure as seen, so it is no longer
// reported as unhandled when the chain is destroyed. When the Deferred is not in the
// state asked for, the helper records a test failure at the caller's line and throws
// DeferredAssertionError, which ends the test.
//
// Thread safety: the test's thread.
#ifndef KIT_TESTING_DEFERRED_ASSERTIONS_H_
#define KIT_TESTING_DEFERRED_ASSERTIONS_H_

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "kit/deferred.h"
#include "kit/failure.h"
#include "kit/source_location.h"

namespace kit::testing {

class DeferredAssertionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {

// describe: "no result yet", "waiting on another Deferred", "value", "failure: ...".
template <typename T>
std::string describe(const Deferred<T>& d) {
  if (!d.called()) return "no result yet";
  if (d.paused()) return "waiting on another Deferred";
  if (const Failure* failure = d.peek_failure()) return "a failure: " + failure->what();
  return "a value";
}

[[noreturn]] void fail_at(const kit::source_location& where, const std::string& message);

}  // namespace detail

// success_result_of: the value `d` has now.
template <typename T>
decltype(auto) success_result_of(const Deferred<T>& d,
                                 kit::source_location where = kit::source_location::current()) {
  const auto* value = d.peek_value();
  if (value == nullptr) {
    detail::fail_at(where,
                    "success_result_of: expected a value, the Deferred has " + detail::describe(d));
  }
  if constexpr (std::is_void_v<T>) {
    return;
  } else {
    return static_cast<const T&>(*value);
  }
}

// failure_result_of: the failure `d` has now.
template <typename T>
Failure failure_result_of(const Deferred<T>& d,
                          kit::source_location where = kit::source_location::current()) {
  const Failure* failure = d.peek_failure();
  if (failure == nullptr) {
    detail::fail_at(
        where, "failure_result_of: expected a failure, the Deferred has " + detail::describe(d));
  }
  d.mark_failure_observed();
  return *failure;
}

// assert_no_result: `d` has no result now (not fired, or waiting on another Deferred).
template <typename T>
void assert_no_result(const Deferred<T>& d,
                      kit::source_location where = kit::source_location::current()) {
  if (d.has_result()) {
    detail::fail_at(
        where, "assert_no_result: expected no result, the Deferred has " + detail::describe(d));
  }
}

}  // namespace kit::testing

#endif  // KIT_TESTING_DEFERRED_ASSERTIONS_H_
