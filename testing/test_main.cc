// The main of every kit_cc_test.
//
// - Mocks are strict by default: an uninteresting call fails the test (as in Envoy). A
//   test can still pass --gmock_default_mock_behavior=1 to relax it.
// - An error logged through kit::log (an unhandled failure in a Deferred, an exception
//   escaping a callback) fails the test that is running when it is logged. Tests that
//   expect such errors capture them with kit::testing::LogCapture.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "kit/log.h"

int main(int argc, char** argv) {
  GMOCK_FLAG_SET(default_mock_behavior, 2);
  testing::InitGoogleMock(&argc, argv);
  kit::set_log_sink([](kit::LogLevel level, std::string_view message) {
    if (level == kit::LogLevel::error) {
      ADD_FAILURE() << "kit logged an error: " << message;
    } else if (level == kit::LogLevel::warning) {
      std::fprintf(stderr, "protokit: warning: %.*s\n", static_cast<int>(message.size()),
                   message.data());
    }
  });
  return RUN_ALL_TESTS();
}
