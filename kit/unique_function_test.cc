#include "kit/unique_function.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>

namespace kit {
namespace {

TEST(UniqueFunction, EmptyIsFalseAndThrowsWhenCalled) {
  unique_function<void()> f;
  EXPECT_FALSE(f);
  EXPECT_THROW(f(), std::bad_function_call);
  unique_function<void()> g = nullptr;
  EXPECT_FALSE(g);
}

TEST(UniqueFunction, HoldsMoveOnlyCallables) {
  auto value = std::make_unique<int>(41);
  unique_function<int()> f = [v = std::move(value)] { return *v + 1; };
  ASSERT_TRUE(f);
  EXPECT_EQ(f(), 42);
}

TEST(UniqueFunction, MoveLeavesSourceEmptyForInlineAndHeapTargets) {
  unique_function<int(int)> small = [](int x) { return x * 2; };
  std::array<long, 16> big_state{};
  big_state[15] = 7;
  unique_function<int(int)> big = [big_state](int x) {
    return x + static_cast<int>(big_state[15]);
  };

  unique_function<int(int)> small2 = std::move(small);
  unique_function<int(int)> big2 = std::move(big);
  EXPECT_FALSE(small);  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_FALSE(big);    // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(small2(4), 8);
  EXPECT_EQ(big2(4), 11);
}

TEST(UniqueFunction, DestroysTargetExactlyOnce) {
  auto counter = std::make_shared<int>(0);
  struct Tracker {
    std::shared_ptr<int> count;
    Tracker(std::shared_ptr<int> c) : count(std::move(c)) {}
    Tracker(Tracker&& other) noexcept = default;
    ~Tracker() {
      if (count) ++*count;
    }
    void operator()() {}
  };
  {
    unique_function<void()> f = Tracker(counter);
    unique_function<void()> g = std::move(f);
    g = nullptr;
    EXPECT_EQ(*counter, 1);
  }
  EXPECT_EQ(*counter, 1);
}

TEST(UniqueFunction, AssignmentReplacesTarget) {
  unique_function<std::string()> f = [] { return std::string("a"); };
  f = [] { return std::string("b"); };
  EXPECT_EQ(f(), "b");
}

TEST(UniqueFunction, NullFunctionPointerIsEmpty) {
  void (*pointer)() = nullptr;
  unique_function<void()> f = pointer;
  EXPECT_FALSE(f);
}

TEST(UniqueFunction, ForwardsArgumentsByReference) {
  unique_function<void(std::string&)> append = [](std::string& s) { s += "!"; };
  std::string text = "hi";
  append(text);
  EXPECT_EQ(text, "hi!");
}

}  // namespace
}  // namespace kit
