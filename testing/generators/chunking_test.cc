#include "testing/generators/chunking.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "testing/generators/chunking_gen.h"
#include "testing/scripted_protocol.h"

namespace kit::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(SplitAt, CutsAtEachOffset) {
  EXPECT_THAT(split_at("abcdef", {1, 4}), ElementsAre("a", "bcd", "ef"));
  EXPECT_THAT(split_at("abc", {}), ElementsAre("abc"));
  EXPECT_THAT(split_at("", {}), IsEmpty());
}

TEST(SplitAt, RefusesOffsetsOutOfRangeOrOrder) {
  EXPECT_THROW(split_at("abc", {0}), std::invalid_argument);
  EXPECT_THROW(split_at("abc", {3}), std::invalid_argument);
  EXPECT_THROW(split_at("abc", {2, 1}), std::invalid_argument);
  EXPECT_THROW(split_at("abc", {1, 1}), std::invalid_argument);
}

TEST(SplitEvery, CutsFixedSizesWithAShorterLast) {
  EXPECT_THAT(split_every("abcdefg", 3), ElementsAre("abc", "def", "g"));
  EXPECT_THAT(split_every("ab", 5), ElementsAre("ab"));
  EXPECT_THROW(split_every("ab", 0), std::invalid_argument);
}

TEST(AllChunkings, ListsEveryWayToCutOnce) {
  const std::vector<Chunking> all = all_chunkings("abcd");
  ASSERT_EQ(all.size(), 8u);
  std::set<Chunking> distinct(all.begin(), all.end());
  EXPECT_EQ(distinct.size(), 8u);
  for (const Chunking& chunks : all) {
    EXPECT_EQ(join(chunks), "abcd");
    for (const std::string& chunk : chunks) EXPECT_FALSE(chunk.empty());
  }
  EXPECT_TRUE(distinct.count(Chunking{"abcd"}));
  EXPECT_TRUE(distinct.count(Chunking{"a", "b", "c", "d"}));
}

TEST(AllChunkings, OfNothingIsOneEmptyChunking) {
  EXPECT_THAT(all_chunkings(""), ElementsAre(IsEmpty()));
}

TEST(AllChunkings, RefusesLongStrings) {
  EXPECT_THROW(all_chunkings(std::string(max_exhaustive_size + 1, 'x')), std::invalid_argument);
}

TEST(FuzzChunking, ReadsSizesFromTheInput) {
  // k = 2: sizes 1 and 3, in turn.
  const std::string input = std::string("\x02\x00\x02", 3) + "abcdefghij";
  const FuzzChunking fc = fuzz_chunking(input);
  EXPECT_EQ(fc.payload, "abcdefghij");
  EXPECT_THAT(fc.chunks, ElementsAre("a", "bcd", "e", "fgh", "i", "j"));
}

TEST(FuzzChunking, WithoutSizesDeliversThePayloadWhole) {
  const std::string input("\x10hello", 6);  // 16 % 16 == 0
  const FuzzChunking fc = fuzz_chunking(input);
  EXPECT_EQ(fc.payload, "hello");
  EXPECT_THAT(fc.chunks, ElementsAre("hello"));
  EXPECT_THAT(fuzz_chunking("").chunks, IsEmpty());
}

TEST(FuzzChunking, CutsKDownToTheBytesThereAre) {
  const std::string input("\x05\x01", 2);
  const FuzzChunking fc = fuzz_chunking(input);
  EXPECT_EQ(fc.payload, "");
  EXPECT_THAT(fc.chunks, IsEmpty());
}

TEST(Deliver, ReceivesEachChunkInOrder) {
  fakes::StringTransport transport;
  ScriptedProtocol protocol;
  transport.connect(protocol);
  EXPECT_EQ(deliver(transport, {"ab", "c", "de"}), 3u);
  EXPECT_THAT(protocol.chunks(), ElementsAre("ab", "c", "de"));
}

TEST(Deliver, StopsOnceTheProtocolClosed) {
  fakes::StringTransport transport;
  ScriptedProtocol protocol;  // closes the connection on 'x'
  protocol.on_data = [](ScriptedProtocol& p, std::string_view data) {
    if (data.find('x') != std::string_view::npos) p.transport()->lose_connection();
  };
  transport.connect(protocol);
  EXPECT_EQ(deliver(transport, {"a", "x", "b"}), 2u);
  EXPECT_THAT(protocol.chunks(), ElementsAre("a", "x"));
  EXPECT_FALSE(transport.connected());
}

RC_GTEST_PROP(ChunkingGen, JoinsBackToTheStringWithNoEmptyChunk, (const std::string& data)) {
  const Chunking chunks = *gen::chunking(data);
  RC_ASSERT(join(chunks) == data);
  for (const std::string& chunk : chunks) RC_ASSERT(!chunk.empty());
}

TEST(ChunkingGen, ComesOutInEveryPossibleWay) {
  // A fixed set of seeds, so the test is deterministic: every one of the 16 chunkings of
  // five bytes comes out, the whole string and single bytes among them.
  const rc::Gen<Chunking> generator = gen::chunking("abcde");
  std::set<Chunking> seen;
  for (std::uint64_t seed = 0; seed < 2000; ++seed) {
    seen.insert(generator(rc::Random(seed), 50).value());
  }
  EXPECT_EQ(seen.size(), 16u);
  EXPECT_TRUE(seen.count(Chunking{"abcde"}));
  EXPECT_TRUE(seen.count(Chunking{"a", "b", "c", "d", "e"}));
}

TEST(ChunkingGen, ShrinksTowardFewerCuts) {
  // Every shrink of a one-byte-per-chunk value has fewer chunks.
  const rc::Gen<Chunking> generator = gen::chunking("abcdefgh");
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    const rc::Shrinkable<Chunking> value = generator(rc::Random(seed), 50);
    const std::size_t chunks = value.value().size();
    auto shrinks = value.shrinks();
    if (auto first = shrinks.next()) {
      EXPECT_LE(first->value().size(), chunks) << "seed " << seed;
    }
  }
}

}  // namespace
}  // namespace kit::testing
