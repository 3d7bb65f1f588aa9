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

namespace kit::fakes {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Records callbacks and the pieces data arrived in, and runs the test's script in them.
class Recorder : public Protocol {
 public:
  explicit Recorder(std::string name) : name_(std::move(name)) {}

  std::function<void()> on_made;
  std::function<void(std::string_view)> on_data;
  std::function<void()> on_read_lost;  // empty: Protocol's default (close)
  std::function<void(const Failure&)> on_lost;

  void connection_made() override {
    events.push_back(name_ + " made");
    if (on_made) on_made();
  }
  void data_received(std::string_view data) override {
    received += data;
    chunks.emplace_back(data);
    if (on_data) on_data(data);
  }
  void read_connection_lost() override {
    events.push_back(name_ + " read_lost");
    if (on_read_lost) {
      on_read_lost();
    } else {
      Protocol::read_connection_lost();
    }
  }
  void connection_lost(const Failure& reason) override {
    events.push_back(name_ + (reason.is(errc::connection_done)      ? " lost:done"
                              : reason.is(errc::connection_aborted) ? " lost:aborted"
                              : reason.is(errc::connection_lost)    ? " lost:reset"
                                                                    : " lost:" + reason.what()));
    if (on_lost) on_lost(reason);
  }

  // A request through the transport, noting any callback that comes from inside it.
  void request(const std::function<void(Transport&)>& fn) {
    const std::size_t before = events.size() + chunks.size();
    fn(*transport());
    inside_requests += events.size() + chunks.size() - before;
  }

  std::vector<std::string> events;
  std::vector<std::string> chunks;
  std::string received;
  std::size_t inside_requests = 0;

 private:
  std::string name_;
};

// Echoes every byte back.
class Echo : public Recorder {
 public:
  Echo() : Recorder("server") {
    on_data = [this](std::string_view data) { transport()->write(data); };
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
  Recorder client("client"), server("server");
  std::vector<std::string> order;
  client.on_made = [&] { order.push_back("client"); };
  server.on_made = [&] { order.push_back("server"); };
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
  Recorder client("client"), server("server");
  LoopbackPair pair(client, server,
                    {.client_address = Address::tcp("10.0.0.2", 50000),
                     .server_address = Address::tcp("10.0.0.1", 80)});
  EXPECT_EQ(client.transport()->peer(), Address::tcp("10.0.0.1", 80));
  EXPECT_EQ(server.transport()->peer(), Address::tcp("10.0.0.2", 50000));
  EXPECT_EQ(pair.name(), "tcp:10.0.0.2:50000 <-> tcp:10.0.0.1:80");
}

TEST(Loopback, BytesMoveOnlyWhenPumpedAndThenBothWaysUntilNothingIsLeft) {
  Recorder client("client");
  Echo server;
  LoopbackPair pair(client, server);
  client.transport()->write("hello");
  EXPECT_EQ(client.transport()->write_buffer_size(), 5u);
  EXPECT_EQ(server.received, "") << "nothing moves inside write()";
  EXPECT_GT(pair.pump(), 0u);
  EXPECT_EQ(server.received, "hello");
  EXPECT_EQ(client.received, "hello") << "and the echo came back in the same pump";
  EXPECT_EQ(client.transport()->write_buffer_size(), 0u);
  EXPECT_EQ(pair.pump(), 0u) << "nothing left";
}

TEST(Loopback, WritesMovedInOneStepArriveCoalescedWithoutRechunking) {
  Recorder client("client"), server("server");
  LoopbackPair pair(client, server);
  client.transport()->write("ab");
  client.transport()->write("cd");
  pair.pump();
  EXPECT_THAT(server.chunks, ElementsAre("abcd"));
}

TEST(Loopback, RechunkingCutsDeliveriesIntoSeededPieces) {
  auto pieces = [](std::uint64_t seed) {
    Recorder client("client"), server("server");
    LoopbackPair pair(client, server, {.seed = seed, .max_chunk = 4});
    client.transport()->write("the quick brown fox jumps over the lazy dog");
    pair.pump();
    EXPECT_EQ(server.received, "the quick brown fox jumps over the lazy dog");
    for (const std::string& chunk : server.chunks) {
      EXPECT_GE(chunk.size(), 1u);
      EXPECT_LE(chunk.size(), 4u);
    }
    return server.chunks;
  };
  std::vector<std::string> first = pieces(1);
  EXPECT_GE(first.size(), 11u) << "43 bytes in pieces of at most 4";
  EXPECT_EQ(pieces(1), first) << "the same seed cuts the same pieces";
  EXPECT_NE(pieces(2), first) << "another seed cuts others";
}

// A line client and a line echo server that must reassemble lines from any chunking.
class LineClient : public Recorder {
 public:
  explicit LineClient(std::vector<std::string> lines)
      : Recorder("client"), lines_(std::move(lines)) {
    on_made = [this] {
      for (const std::string& line : lines_) transport()->write(line + "\n");
    };
    on_data = [this](std::string_view data) {
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

class LineUpperServer : public Recorder {
 public:
  LineUpperServer() : Recorder("server") {
    on_data = [this](std::string_view data) {
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
      ASSERT_THAT(client.events, ElementsAre("client made", "client lost:done"))
          << "seed " << seed << ", max_chunk " << max_chunk;
      ASSERT_THAT(server.events, ElementsAre("server made", "server lost:done"));
      if (max_chunk == 1) {
        ASSERT_EQ(server.chunks.size(), server.received.size()) << "one byte per piece";
      }
    }
  }
}

TEST(Loopback, LoseConnectionSendsPendingBytesFirstThenBothSidesHearConnectionDone) {
  Recorder client("client"), server("server");
  LoopbackPair pair(client, server, {.bytes_per_step = 2});
  client.request([](Transport& t) {
    t.write("bye!");
    t.lose_connection();
    t.write("dropped");
  });
  EXPECT_TRUE(client.transport()->disconnecting());
  pair.pump();
  EXPECT_EQ(server.received, "bye!");
  EXPECT_THAT(client.events, ElementsAre("client made", "client lost:done"));
  EXPECT_THAT(server.events, ElementsAre("server made", "server lost:done"));
  EXPECT_EQ(client.inside_requests, 0u) << "nothing is delivered inside a request";
  EXPECT_FALSE(pair.client_transport().connected());
  EXPECT_TRUE(pair.client_transport().lost_reason()->is(errc::connection_done));
}

TEST(Loopback, AbortDropsPendingBytesAndThePeerHearsAReset) {
  Recorder client("client"), server("server");
  LoopbackPair pair(client, server);
  client.request([](Transport& t) {
    t.write("never sent");
    t.abort_connection();
  });
  EXPECT_EQ(client.transport()->write_buffer_size(), 0u);
  pair.pump();
  EXPECT_EQ(server.received, "");
  EXPECT_THAT(client.events, ElementsAre("client made", "client lost:aborted"));
  EXPECT_THAT(server.events, ElementsAre("server made", "server lost:reset"));
  EXPECT_EQ(client.inside_requests, 0u);
}

// Regression: the closing side's buffer was dropped by the reset and its close then
// completed as connection_done, a clean end that never happened (kit/transport.h, 4).
TEST(Loopback, AResetWhileClosingWithBytesPendingIsAReset) {
  Recorder client("client"), server("server");
  LoopbackPair pair(client, server);
  server.transport()->pause_reading();
  client.request([](Transport& t) {
    t.write("pending");
    t.lose_connection();
  });
  pair.pump();
  EXPECT_THAT(client.events, ElementsAre("client made")) << "still waiting to send";
  server.transport()->abort_connection();
  pair.pump();
  EXPECT_EQ(server.received, "");
  EXPECT_THAT(client.events, ElementsAre("client made", "client lost:reset"));
  EXPECT_THAT(server.events, ElementsAre("server made", "server lost:aborted"));
}

TEST(Loopback, AResetWhileHalfClosingWithBytesPendingIsAReset) {
  Recorder client("client"), server("server");
  client.on_read_lost = [] {};
  LoopbackPair pair(client, server);
  server.transport()->pause_reading();
  server.transport()->half_close();
  client.request([](Transport& t) {
    t.write("pending");
    t.half_close();
  });
  pair.pump();
  EXPECT_THAT(client.events, ElementsAre("client made", "client read_lost"));
  server.transport()->abort_connection();
  pair.pump();
  EXPECT_THAT(client.events, ElementsAre("client made", "client read_lost", "client lost:reset"));
  EXPECT_THAT(server.events, ElementsAre("server made", "server lost:aborted"));
}

TEST(Loopback, HalfCloseGivesThePeerReadConnectionLostAndItMayStillAnswer) {
  Recorder client("client"), server("server");
  client.on_read_lost = [] {};
  server.on_read_lost = [&] {
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
  EXPECT_EQ(server.received, "question");
  EXPECT_EQ(client.received, "answer");
  EXPECT_THAT(server.events, ElementsAre("server made", "server read_lost", "server lost:done"));
  EXPECT_THAT(client.events, ElementsAre("client made", "client lost:done"));
  EXPECT_EQ(client.inside_requests, 0u);
}

TEST(Loopback, WhenBothSidesHalfCloseBothHearConnectionDone) {
  Recorder client("client"), server("server");
  client.on_read_lost = [] {};
  server.on_read_lost = [&] { server.transport()->half_close(); };
  LoopbackPair pair(client, server);
  client.transport()->half_close();
  pair.pump();
  EXPECT_THAT(server.events, ElementsAre("server made", "server read_lost", "server lost:done"));
  EXPECT_THAT(client.events, ElementsAre("client made", "client read_lost", "client lost:done"));
}

TEST(Loopback, TheDefaultReadConnectionLostClosesTheOtherSideToo) {
  Recorder client("client"), server("server");
  client.on_read_lost = [] {};
  LoopbackPair pair(client, server);
  client.transport()->half_close();
  pair.pump();
  EXPECT_THAT(server.events, ElementsAre("server made", "server read_lost", "server lost:done"));
  EXPECT_THAT(client.events, ElementsAre("client made", "client lost:done"));
}

TEST(Loopback, AClosingSideReadsNoMore) {
  Recorder client("client"), server("server");
  LoopbackPair pair(client, server);
  server.transport()->lose_connection();
  client.transport()->write("too late");
  pair.pump();
  EXPECT_EQ(server.received, "");
  EXPECT_THAT(server.events, ElementsAre("server made", "server lost:done"));
  EXPECT_THAT(client.events, ElementsAre("client made", "client lost:done"));
}

TEST(Loopback, PausedReadingLeavesBytesInTheWritersBufferUntilResumed) {
  Recorder client("client"), server("server");
  LoopbackPair pair(client, server);
  server.transport()->pause_reading();
  EXPECT_TRUE(pair.server_transport().reading_paused());
  client.transport()->write("waiting");
  EXPECT_EQ(pair.pump(), 0u);
  EXPECT_EQ(server.received, "");
  EXPECT_EQ(client.transport()->write_buffer_size(), 7u) << "as in a full kernel buffer";
  server.transport()->resume_reading();
  pair.pump();
  EXPECT_EQ(server.received, "waiting");
}

TEST(Loopback, APauseInsideDataReceivedHoldsTheRestOfThatDelivery) {
  Recorder client("client"), server("server");
  server.on_data = [&](std::string_view) {
    if (server.chunks.size() == 2) server.transport()->pause_reading();
  };
  LoopbackPair pair(client, server, {.seed = 3, .max_chunk = 2});
  client.transport()->write("0123456789");
  pair.pump();
  EXPECT_EQ(server.chunks.size(), 2u);
  EXPECT_EQ(client.transport()->write_buffer_size(), 10u - server.received.size());
  server.transport()->resume_reading();
  pair.pump();
  EXPECT_EQ(server.received, "0123456789") << "nothing lost, nothing reordered";
}

TEST(Loopback, APausedSideHearsOfThePeersCloseOnlyAfterResuming) {
  Recorder client("client"), server("server");
  LoopbackPair pair(client, server);
  server.transport()->pause_reading();
  client.transport()->lose_connection();
  pair.pump();
  EXPECT_THAT(client.events, ElementsAre("client made", "client lost:done"));
  EXPECT_THAT(server.events, ElementsAre("server made"));
  server.transport()->resume_reading();
  pair.pump();
  EXPECT_THAT(server.events, ElementsAre("server made", "server lost:done"));
}

TEST(Loopback, WaterMarksPauseAndResumeTheProducerAsThePumpDrains) {
  Recorder client("client"), server("server");
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
  EXPECT_EQ(server.received.size(), 50u);
}

TEST(Loopback, TheProducerIsStoppedWhenTheConnectionEnds) {
  Recorder client("client"), server("server");
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
  Recorder client("client"), server("server");
  Address peer_inside;
  server.on_lost = [&](const Failure&) { peer_inside = server.transport()->peer(); };
  LoopbackPair pair(client, server);
  client.transport()->lose_connection();
  pair.pump();
  EXPECT_EQ(peer_inside, Address::memory("client"));
}

// Answers every byte with a byte: two of them never settle.
class PingPong : public Recorder {
 public:
  explicit PingPong(std::string name) : Recorder(std::move(name)) {
    on_data = [this](std::string_view) { transport()->write("."); };
  }
};

TEST(Loopback, APairThatNeverSettlesThrowsRunawayNamingThePair) {
  PingPong client("client"), server("server");
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
  Recorder client("client"), server("server");
  LoopbackPair* pair_ptr = nullptr;
  bool refused = false;
  server.on_data = [&](std::string_view) {
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
  Recorder client("client"), server("server");
  DelayedCall deferred;
  server.on_data = [&](std::string_view data) {
    std::string copy(data);
    deferred = clock.call_later(Duration::zero(),
                                [&server, copy] { server.transport()->write("later:" + copy); });
  };
  LoopbackPair pair(client, server, {.clock = &clock});
  client.transport()->write("x");
  pair.pump();
  EXPECT_EQ(client.received, "later:x");
}

}  // namespace
}  // namespace kit::fakes
