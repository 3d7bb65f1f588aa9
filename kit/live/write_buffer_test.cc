#include "kit/live/write_buffer.h"

#include <gtest/gtest.h>

#include <string>

namespace kit::live {
namespace {

TEST(WriteBuffer, EmptyHoldsNoStorage) {
  WriteBuffer buffer;
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(buffer.size(), 0u);
  EXPECT_EQ(buffer.capacity(), 0u);
  EXPECT_EQ(buffer.pending(), "");
  buffer.append("");
  EXPECT_EQ(buffer.capacity(), 0u);
}

TEST(WriteBuffer, KeepsBytesInOrderAcrossAppendAndConsume) {
  WriteBuffer buffer;
  buffer.append("hello ");
  buffer.append("world");
  EXPECT_EQ(buffer.pending(), "hello world");
  buffer.consume(6);
  EXPECT_EQ(buffer.pending(), "world");
  buffer.append("!");
  EXPECT_EQ(buffer.pending(), "world!");
  EXPECT_EQ(buffer.size(), 6u);
}

TEST(WriteBuffer, FreesItsStorageOnceDrained) {
  WriteBuffer buffer;
  buffer.append(std::string(10000, 'x'));
  EXPECT_GE(buffer.capacity(), 10000u);
  buffer.consume(4000);
  EXPECT_GT(buffer.capacity(), 0u);
  buffer.consume(6000);
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(buffer.capacity(), 0u);
}

TEST(WriteBuffer, ReusesTheConsumedFrontInsteadOfGrowing) {
  WriteBuffer buffer;
  buffer.append(std::string(4096, 'a'));
  const std::size_t capacity = buffer.capacity();
  buffer.consume(3000);
  buffer.append(std::string(2000, 'b'));  // fits once the 3000 consumed bytes are reclaimed
  EXPECT_EQ(buffer.capacity(), capacity);
  EXPECT_EQ(buffer.pending(), std::string(1096, 'a') + std::string(2000, 'b'));
}

TEST(WriteBuffer, GrowsAndKeepsEverything) {
  WriteBuffer buffer;
  std::string expected;
  for (int i = 0; i < 1000; ++i) {
    std::string piece(static_cast<std::size_t>(i % 97 + 1), static_cast<char>('a' + i % 26));
    buffer.append(piece);
    expected += piece;
    if (i % 7 == 0) {
      buffer.consume(10);
      expected.erase(0, 10);
    }
  }
  EXPECT_EQ(buffer.pending(), expected);
}

TEST(WriteBuffer, ConsumingMoreThanHeldEmptiesIt) {
  WriteBuffer buffer;
  buffer.append("abc");
  buffer.consume(10);
  EXPECT_TRUE(buffer.empty());
  buffer.clear();
  EXPECT_TRUE(buffer.empty());
}

}  // namespace
}  // namespace kit::live
