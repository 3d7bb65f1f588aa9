#include "kit/failure.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace kit {
namespace {

TEST(Failure, KitCodesHaveTheirOwnCategoryAndText) {
  Failure done(errc::connection_done);
  EXPECT_TRUE(done.is(errc::connection_done));
  EXPECT_FALSE(done.is(errc::connection_lost));
  EXPECT_STREQ(done.code().category().name(), "kit");
  EXPECT_EQ(done.what(), "connection closed cleanly");
}

TEST(Failure, WhatJoinsMessageAndCode) {
  Failure refused(std::make_error_code(std::errc::connection_refused), "connecting to 127.0.0.1:1");
  EXPECT_EQ(refused.what(), "connecting to 127.0.0.1:1: Connection refused");
  EXPECT_TRUE(refused.is(std::errc::connection_refused));
}

TEST(Failure, FromExceptionKeepsWhatAndRethrowsTheOriginal) {
  Failure failure(std::make_exception_ptr(std::out_of_range("index 7")));
  EXPECT_TRUE(failure.is(errc::exception));
  EXPECT_EQ(failure.what(), "index 7");
  EXPECT_THROW(failure.rethrow(), std::out_of_range);
}

TEST(Failure, FromSystemErrorKeepsItsCode) {
  Failure failure(std::make_exception_ptr(
      std::system_error(std::make_error_code(std::errc::address_in_use), "bind")));
  EXPECT_TRUE(failure.is(std::errc::address_in_use));
}

TEST(Failure, WithoutExceptionRethrowsFailureError) {
  Failure failure(errc::timed_out, "waiting for the answer");
  try {
    failure.rethrow();
    FAIL() << "rethrow returned";
  } catch (const FailureError& e) {
    EXPECT_EQ(e.failure(), failure);
    EXPECT_EQ(e.code(), make_error_code(errc::timed_out));
  }
}

TEST(Failure, CurrentExceptionInsideCatch) {
  try {
    throw FailureError(Failure(errc::cancelled, "stopped"));
  } catch (...) {
    Failure failure = Failure::current_exception();
    EXPECT_TRUE(failure.is(errc::cancelled));
    EXPECT_EQ(failure.message(), "stopped");
  }
}

}  // namespace
}  // namespace kit
