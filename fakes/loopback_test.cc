#include "fakes/loopback.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/fake_clock.h"
#include "testing/scripted_protocol.h"

namespace kit::fakes {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using testing::ScriptedProtocol;

// What a protocol saw apart from its data (its bytes are checked through received() and
// chunks(), which depend on how the pump cut them).
std::vector<std::string> lifecycle(ScriptedProtocol& protocol) {
  std::vector<std::string> events;
  for (const std::string& event : protocol.events()) {
    if (!event.starts_with("data:")) events.push_back(event);
  }
  return events;
}

// Echoes every byte back.
class Echo : public ScriptedProtocol {
 public:
  Echo() {
    on_data = [this](ScriptedProtocol&, std::string_view data) { transport()->write(data); };
  }
};

class ProducerLog : public Producer {
 public:
  void pause_producing() override { events.push_back("pause"); }
  void resume_producing() override { events.push_back("resume"); }
  void stop_producing() override { events.push_back("stop"); }
  std::vector<std::string> events;
};

TEST(Loopback, ConnectsTheServerThenTheClientWithMemoryAddresses) {
  ScriptedProtocol client, server;
  std::vector<std::string> order;
  client.on_made = [&](ScriptedProtocol&) { order.push_back("client"); };
  server.on_made = [&](ScriptedProtocol&) { order.push_back("server"); };
  LoopbackPair pair(client, server);
  EXPECT_THAT(order, ElementsAre("server", "client"));
  EXPECT_EQ(client.transport()->peer(), Address::memory("server"));
  EXPECT_EQ(client.transport()->host(), Address::memory("client"));
  EXPECT_EQ(server.transport()->peer(), Address::memory("client"));
  EXPECT_EQ(server.transport()->host(), Address::memory("server"));
  EXPECT_EQ(pair.name(), "memory:client <-> memory:server");
  EXPECT_EQ(&pair.client_transport(), client.transport());
}

TEST(Loopback, AddressesAreConfigurable) {
  ScriptedProtocol client, server;
  LoopbackPair pair(client, server,
                    {.client_address = Address::tcp("10.0.0.2", 50000),
                     .server_address = Address::tcp("10.0.0.1", 80)});
  EXPECT_EQ(client.transport()->peer(), Address::tcp("10.0.0.1", 80));
  EXPECT_EQ(server.transport()->peer(), Address::tcp("10.0.0.2", 50000));
  EXPECT_EQ(pair.name(), "tcp:10.0.0.2:50000 <-> tcp:10.0.0.1:80");
}

TEST(Loopback, BytesMoveOnlyWhenPumpedAndThenBothWaysUntilNothingIsLeft) {
  ScriptedProtocol client;
  Echo server;
  LoopbackPair pair(client, server);
  client.transport()->write("hello");
  EXPECT_EQ(client.transport()->write_buffer_size(), 5u);
  EXPECT_EQ(server.received(), "") << "nothing moves inside write()";
  EXPECT_GT(pair.pump(), 0u);
  EXPECT_EQ(server.received(), "hello");
  EXPECT_EQ(client.received(), "hello") << "and the echo came back in the same pump";
  EXPECT_EQ(client.transport()->write_buffer_size(), 0u);
  EXPECT_EQ(pair.pump(), 0u) << "nothing left";
}

TEST(Loopback, WritesMovedInOneStepArriveCoalescedWithoutRechunking) {
  ScriptedProtocol client, server;
  LoopbackPair pair(client, server);
  client.transport()->write("ab");
  client.transport()->write("cd");
  pair.pump();
  EXPECT_THAT(server.chunks(), ElementsAre("abcd"));
}

TEST(Loopback, RechunkingCutsDeliveriesIntoSeededPieces) {
  auto pieces = [](std::uint64_t seed) {
    ScriptedProtocol client, server;
    LoopbackPair pair(client, server, {.seed = seed, .max_chunk = 4});
    client.transport()->write("the quick brown fox jumps over the lazy dog");
    pair.pump();
    EXPECT_EQ(server.received(), "the quick brown fox jumps over the lazy dog");
    for (const std::string& chunk : server.chunks()) {
      EXPECT_GE(chunk.size(), 1u);
      EXPECT_LE(chunk.size(), 4u);
    }
    return server.chunks();
  };
  std::vector<std::string> first = pieces(1);
  EXPECT_GE(first.size(), 11u) << "43 bytes in pieces of at most 4";
  EXPECT_EQ(pieces(1), first) << "the same seed cuts the same pieces";
  EXPECT_NE(pieces(2), first) << "another seed cuts others";
}

// A line client and a line echo server that must reassemble lines from any chunking.
class LineClient : public ScriptedProtocol {
 public:
  explicit LineClient(std::vector<std::string> lines) : lines_(std::move(lines)) {
    on_made = [this](ScriptedProtocol&) {
      for (const std::string& line : lines_) transport()->write(line + "\n");
    };
    on_data = [this](ScriptedProtocol&, std::string_view data) {
      buffer_ += data;
      for (std::size_t end; (end = buffer_.find('\n')) != std::string::npos;) {
        answers.push_back(buffer_.substr(0, end));
        buffer_.erase(0, end + 1);
      }
      if (answers.size() == lines_.size()) transport()->lose_connection();
    };
  }
  std::vector<std::string> answers;

 private:
  std::vector<std::string> lines_;
  std::string buffer_;
};

class LineUpperServer : public ScriptedProtocol {
 public:
  LineUpperServer() {
    on_data = [this](ScriptedProtocol&, std::string_view data) {
      buffer_ += data;
      for (std::size_t end; (end = buffer_.find('\n')) != std::string::npos;) {
        std::string line = buffer_.substr(0, end);
        buffer_.erase(0, end + 1);
        for (char& c : line) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        transport()->write(line);  // in two writes, so they cannot arrive as one by luck
        transport()->write("\n");
      }
    };
  }

 private:
  std::string buffer_;
};

TEST(Loopback, ALineProtocolPairGivesIdenticalResultsUnderEveryChunking) {
  const std::vector<std::string> lines = {"alpha", "", "bravo charlie", std::string(300, 'x'),
                                          "delta"};
  std::vector<std::string> expected;
  for (std::string line : lines) {
    for (char& c : line) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    expected.push_back(line);
  }
  for (std::size_t max_chunk : {0u, 1u, 2u, 3u, 7u, 64u}) {
    for (std::uint64_t seed = 0; seed < 50; ++seed) {
      LineClient client(lines);
      LineUpperServer server;
      LoopbackPair pair(client, server,
                        {.seed = seed, .max_chunk = max_chunk, .bytes_per_step = seed % 5 * 17});
      pair.pump();
      ASSERT_EQ(client.answers, expected) << "seed " << seed << ", max_chunk " << max_chunk;
      ASSERT_THAT(lifecycle(client), ElementsAre("made", "lost:done"))
          << "seed " << seed << ", max_chunk " << max_chunk;
      ASSERT_THAT(lifecycle(server), ElementsAre("made", "lost:done"));
      if (max_chunk == 1) {
        ASSERT_EQ(server.chunks().size(), server.received().size()) << "one byte per piece";
      }
    }
  }
}

TEST(Loopback, LoseConnectionSendsPendingBytesFirstThenBothSidesHearConnectionDone) {
  ScriptedProtocol client, server;
  LoopbackPair pair(client, server, {.bytes_per_step = 2});
  client.request([](Transport& t) {
    t.write("bye!");
    t.lose_connection();
    t.write("dropped");
  });
  EXPECT_TRUE(client.transport()->disconnecting());
  pair.pump();
  EXPECT_EQ(server.received(), "bye!");
  EXPECT_THAT(lifecycle(client), ElementsAre("made", "lost:done"));
  EXPECT_THAT(lifecycle(server), ElementsAre("made", "lost:done"));
  EXPECT_EQ(client.callbacks_inside_requests(), 0u) << "nothing is delivered inside a request";
  EXPECT_FALSE(pair.client_transport().connected());
  EXPECT_TRUE(pair.client_transport().lost_reason()->is(errc::connection_done));
}

TEST(Loopback, AbortDropsPendingBytesAndThePeerHearsAReset) {
  ScriptedProtocol client, server;
  LoopbackPair pair(client, server);
  client.request([](Transport& t) {
    t.write("never sent");
    t.abort_connection();
  });
  EXPECT_EQ(client.transport()->write_buffer_size(), 0u);
  pair.pump();
  EXPECT_EQ(server.received(), "");
  EXPECT_THAT(lifecycle(client), ElementsAre("made", "lost:aborted"));
  EXPECT_THAT(lifecycle(server), ElementsAre("made", "lost:lost"));
  EXPECT_EQ(client.callbacks_inside_requests(), 0u);
}

// Regression: the closing side's buffer was dropped by the reset and its close then
// completed as connection_done, a clean end that never happened (kit/transport.h, 4).
TEST(Loopback, AResetWhileClosingWithBytesPendingIsAReset) {
  ScriptedProtocol client, server;
  LoopbackPair pair(client, server);
  server.transport()->pause_reading();
  client.request([](Transport& t) {
    t.write("pending");
    t.lose_connection();
  });
  pair.pump();
  EXPECT_THAT(lifecycle(client), ElementsAre("made")) << "still waiting to send";
  server.transport()->abort_connection();
  pair.pump();
  EXPECT_EQ(server.received(), "");
  EXPECT_THAT(lifecycle(client), ElementsAre("made", "lost:lost"));
  EXPECT_THAT(lifecycle(server), ElementsAre("made", "lost:aborted"));
}

TEST(Loopback, AResetWhileHalfClosingWithBytesPendingIsAReset) {
  ScriptedProtocol client, server;
  client.on_read_lost = [](ScriptedProtocol&) {};
  LoopbackPair pair(client, server);
  server.transport()->pause_reading();
  server.transport()->half_close();
  client.request([](Transport& t) {
    t.write("pending");
    t.half_close();
  });
  pair.pump();
  EXPECT_THAT(lifecycle(client), ElementsAre("made", "read_lost"));
  server.transport()->abort_connection();
  pair.pump();
  EXPECT_THAT(lifecycle(client), ElementsAre("made", "read_lost", "lost:lost"));
  EXPECT_THAT(lifecycle(server), ElementsAre("made", "lost:aborted"));
}

TEST(Loopback, HalfCloseGivesThePeerReadConnectionLostAndItMayStillAnswer) {
  ScriptedProtocol client, server;
  client.on_read_lost = [](ScriptedProtocol&) {};
  server.on_read_lost = [&](ScriptedProtocol&) {
    server.transport()->write("answer");
    server.transport()->lose_connection();
  };
  LoopbackPair pair(client, server);
  client.request([](Transport& t) {
    t.write("question");
    t.half_close();
    t.write("dropped");
  });
  pair.pump();
  EXPECT_EQ(server.received(), "question");
  EXPECT_EQ(client.received(), "answer");
  EXPECT_THAT(lifecycle(server), ElementsAre("made", "read_lost", "lost:done"));
  EXPECT_THAT(lifecycle(client), ElementsAre("made", "lost:done"));
  EXPECT_EQ(client.callbacks_inside_requests(), 0u);
}

TEST(Loopback, WhenBothSidesHalfCloseBothHearConnectionDone) {
  ScriptedProtocol client, server;
  client.on_read_lost = [](ScriptedProtocol&) {};
  server.on_read_lost = [&](ScriptedProtocol&) { server.transport()->half_close(); };
  LoopbackPair pair(client, server);
  client.transport()->half_close();
  pair.pump();
  EXPECT_THAT(lifecycle(server), ElementsAre("made", "read_lost", "lost:done"));
  EXPECT_THAT(lifecycle(client), ElementsAre("made", "read_lost", "lost:done"));
}

TEST(Loopback, TheDefaultReadConnectionLostClosesTheOtherSideToo) {
  ScriptedProtocol client, server;
  client.on_read_lost = [](ScriptedProtocol&) {};
  LoopbackPair pair(client, server);
  client.transport()->half_close();
  pair.pump();
  EXPECT_THAT(lifecycle(server), ElementsAre("made", "read_lost", "lost:done"));
  EXPECT_THAT(lifecycle(client), ElementsAre("made", "lost:done"));
}

TEST(Loopback, AClosingSideReadsNoMore) {
  ScriptedProtocol client, server;
  LoopbackPair pair(client, server);
  server.transport()->lose_connection();
  client.transport()->write("too late");
  pair.pump();
  EXPECT_EQ(server.received(), "");
  EXPECT_THAT(lifecycle(server), ElementsAre("made", "lost:done"));
  EXPECT_THAT(lifecycle(client), ElementsAre("made", "lost:done"));
}

TEST(Loopback, PausedReadingLeavesBytesInTheWritersBufferUntilResumed) {
  ScriptedProtocol client, server;
  LoopbackPair pair(client, server);
  server.transport()->pause_reading();
  EXPECT_TRUE(pair.server_transport().reading_paused());
  client.transport()->write("waiting");
  EXPECT_EQ(pair.pump(), 0u);
  EXPECT_EQ(server.received(), "");
  EXPECT_EQ(client.transport()->write_buffer_size(), 7u) << "as in a full kernel buffer";
  server.transport()->resume_reading();
  pair.pump();
  EXPECT_EQ(server.received(), "waiting");
}

TEST(Loopback, APauseInsideDataReceivedHoldsTheRestOfThatDelivery) {
  ScriptedProtocol client, server;
  server.on_data = [&](ScriptedProtocol&, std::string_view) {
    if (server.chunks().size() == 2) server.transport()->pause_reading();
  };
  LoopbackPair pair(client, server, {.seed = 3, .max_chunk = 2});
  client.transport()->write("0123456789");
  pair.pump();
  EXPECT_EQ(server.chunks().size(), 2u);
  EXPECT_EQ(client.transport()->write_buffer_size(), 10u - server.received().size());
  server.transport()->resume_reading();
  pair.pump();
  EXPECT_EQ(server.received(), "0123456789") << "nothing lost, nothing reordered";
}

TEST(Loopback, APausedSideHearsOfThePeersCloseOnlyAfterResuming) {
  ScriptedProtocol client, server;
  LoopbackPair pair(client, server);
  server.transport()->pause_reading();
  client.transport()->lose_connection();
  pair.pump();
  EXPECT_THAT(lifecycle(client), ElementsAre("made", "lost:done"));
  EXPECT_THAT(lifecycle(server), ElementsAre("made"));
  server.transport()->resume_reading();
  pair.pump();
  EXPECT_THAT(lifecycle(server), ElementsAre("made", "lost:done"));
}

TEST(Loopback, WaterMarksPauseAndResumeTheProducerAsThePumpDrains) {
  ScriptedProtocol client, server;
  LoopbackPair pair(client, server, {.bytes_per_step = 10});
  ProducerLog producer;
  client.transport()->set_write_buffer_limits(30, 10);
  client.transport()->register_producer(producer);
  client.transport()->write(std::string(50, 'x'));
  EXPECT_THAT(producer.events, ElementsAre("pause"));
  EXPECT_TRUE(pair.client_transport().producer_paused());

  std::vector<std::size_t> sizes;
  while (pair.step()) {
    sizes.push_back(client.transport()->write_buffer_size());
    if (producer.events.size() == 2) break;
  }
  EXPECT_THAT(sizes, ElementsAre(40u, 30u, 20u, 10u)) << "resumed at the low mark, not before";
  EXPECT_THAT(producer.events, ElementsAre("pause", "resume"));
  EXPECT_FALSE(pair.client_transport().producer_paused());
  pair.pump();
  EXPECT_EQ(server.received().size(), 50u);
}

TEST(Loopback, TheProducerIsStoppedWhenTheConnectionEnds) {
  ScriptedProtocol client, server;
  LoopbackPair pair(client, server);
  ProducerLog producer;
  client.transport()->register_producer(producer);
  EXPECT_EQ(pair.client_transport().producer(), &producer);
  EXPECT_THROW(client.transport()->register_producer(producer), std::logic_error);
  EXPECT_THROW(client.transport()->set_write_buffer_limits(1, 2), std::invalid_argument);
  server.transport()->abort_connection();
  pair.pump();
  EXPECT_THAT(producer.events, ElementsAre("stop"));
  ProducerLog late;
  client.transport()->register_producer(late);
  EXPECT_THAT(late.events, ElementsAre("stop")) << "registered after the end: stopped at once";
}

TEST(Loopback, PeerAndHostAreValidInsideConnectionLost) {
  ScriptedProtocol client, server;
  Address peer_inside;
  server.on_lost = [&](ScriptedProtocol&, const Failure&) {
    peer_inside = server.transport()->peer();
  };
  LoopbackPair pair(client, server);
  client.transport()->lose_connection();
  pair.pump();
  EXPECT_EQ(peer_inside, Address::memory("client"));
}

// Answers every byte with a byte: two of them never settle.
class PingPong : public ScriptedProtocol {
 public:
  PingPong() {
    on_data = [this](ScriptedProtocol&, std::string_view) { transport()->write("."); };
  }
};

TEST(Loopback, APairThatNeverSettlesThrowsRunawayNamingThePair) {
  PingPong client, server;
  LoopbackPair pair(client, server, {.max_rounds = 500});
  client.transport()->write(".");
  try {
    pair.pump();
    FAIL() << "pump() returned";
  } catch (const LoopbackRunaway& error) {
    EXPECT_THAT(error.what(), HasSubstr("memory:client <-> memory:server"));
    EXPECT_THAT(error.what(), HasSubstr("500 steps"));
  }
}

TEST(Loopback, PumpingFromInsideACallbackIsRefused) {
  ScriptedProtocol client, server;
  LoopbackPair* pair_ptr = nullptr;
  bool refused = false;
  server.on_data = [&](ScriptedProtocol&, std::string_view) {
    try {
      pair_ptr->pump();
    } catch (const std::logic_error&) {
      refused = true;
    }
  };
  LoopbackPair pair(client, server);
  pair_ptr = &pair;
  client.transport()->write("x");
  pair.pump();
  EXPECT_TRUE(refused);
}

TEST(Loopback, WithAClockWorkDeferredWithZeroDelayTakesPart) {
  FakeClock clock;
  ScriptedProtocol client, server;
  DelayedCall deferred;
  server.on_data = [&](ScriptedProtocol&, std::string_view data) {
    std::string copy(data);
    deferred = clock.call_later(Duration::zero(),
                                [&server, copy] { server.transport()->write("later:" + copy); });
  };
  LoopbackPair pair(client, server, {.clock = &clock});
  client.transport()->write("x");
  pair.pump();
  EXPECT_EQ(client.received(), "later:x");
}

}  // namespace
}  // namespace kit::fakes
