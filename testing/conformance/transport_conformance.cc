#include "testing/conformance/transport_conformance.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "kit/context.h"
#include "kit/failure.h"
#include "kit/transport.h"
#include "testing/conformance/contract_checking_producer.h"

namespace kit::testing {
namespace {

using Kind = ProtocolEvent::Kind;
using PeerEnd = ConformanceHarness::PeerEnd;

// Writes bigger than this without the write buffer growing mean the peer is reading
// after all: the harness's peer_stop_reading() does not work.
constexpr std::size_t fill_bound = 64 * 1024 * 1024;

// pattern: `size` bytes of a stream whose byte i is i mod 251 (every value but the last
// five, NUL included), starting at stream offset `offset`. A prime period makes a lost,
// repeated or reordered chunk show up as a mismatch.
std::string pattern(std::size_t offset, std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>((offset + i) % 251);
  return out;
}

::testing::AssertionResult same_bytes(std::string_view expected, std::string_view actual) {
  if (expected == actual) return ::testing::AssertionSuccess();
  const std::size_t common = std::min(expected.size(), actual.size());
  const std::size_t at = static_cast<std::size_t>(
      std::mismatch(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(common),
                    actual.begin())
          .first -
      expected.begin());
  return ::testing::AssertionFailure() << "expected " << expected.size() << " bytes, got "
                                       << actual.size() << "; they differ from byte " << at;
}

// is_breakage: a reason kit/transport.h allows for a connection that broke (promise 4).
bool is_breakage(const Failure& reason) {
  return reason.is(errc::connection_lost) || reason.code() == std::errc::connection_reset ||
         reason.code() == std::errc::broken_pipe || reason.code() == std::errc::connection_aborted;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) {
    if (!out.empty()) out += "; ";
    out += line;
  }
  return out;
}

}  // namespace

void PrintTo(const HarnessFactory& factory, std::ostream* out) { *out << factory.name; }

std::string test_name_of(const ::testing::TestParamInfo<HarnessFactory>& info) {
  return info.param.name;
}

// ---------------------------------------------------------------- the fixture

void TransportConformanceTest::SetUp() {
  harness_ = GetParam().make();
  ASSERT_NE(harness_, nullptr) << "the factory of " << GetParam().name << " made no harness";
}

void TransportConformanceTest::TearDown() {
  if (harness_ == nullptr) return;
  harness_->settle();  // a breach still on its way is caught too
  if (protocol_.connected()) {
    act([](ContractCheckingProtocol& p) { p.abort_connection(); });
    EXPECT_TRUE(wait_for_lost()) << "(ending the test's connection)";
  }
  EXPECT_TRUE(protocol_.violations().empty())
      << harness_->name() << " broke kit/transport.h: " << joined(protocol_.violations()) << "\n  "
      << state();
  EXPECT_TRUE(producer_.violations().empty())
      << harness_->name() << " broke its producer's contract: " << joined(producer_.violations());
  harness_.reset();
}

::testing::AssertionResult TransportConformanceTest::connect() {
  harness_->connect(protocol_);
  return wait_for([this] { return protocol_.made(); }, "connection_made()");
}

void TransportConformanceTest::act(const std::function<void(ContractCheckingProtocol&)>& request) {
  if (!protocol_.connected()) {
    ADD_FAILURE() << "a request with no connection open; " << state();
    return;
  }
  bool ran = false;
  harness_->call_in_reactor([&] {
    ran = true;
    if (protocol_.connected()) {
      request(protocol_);
    } else {
      ADD_FAILURE() << "the connection ended before the reactor ran the request; " << state();
    }
  });
  EXPECT_TRUE(ran) << harness_->name() << ": call_in_reactor() returned before running it";
}

::testing::AssertionResult TransportConformanceTest::wait_for(const std::function<bool()>& done,
                                                              std::string_view what) {
  if (harness_->run_until(done)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << harness_->name() << ": gave up waiting for " << what << "\n  " << state();
}

::testing::AssertionResult TransportConformanceTest::wait_for_lost() {
  return wait_for([this] { return protocol_.lost(); }, "connection_lost()");
}

::testing::AssertionResult TransportConformanceTest::wait_for_lost_and_peer_end() {
  return wait_for([this] { return protocol_.lost() && harness_->peer_end() != PeerEnd::open; },
                  "connection_lost() and the peer to read to the end of the stream");
}

void TransportConformanceTest::resume_until_received(std::size_t size) {
  for (std::size_t round = 0; protocol_.received().size() < size; ++round) {
    ASSERT_LE(round, size) << "no progress; " << state();
    const std::size_t before = protocol_.received().size();
    act([](ContractCheckingProtocol& p) { p.resume_reading(); });
    ASSERT_TRUE(wait_for([&] { return protocol_.received().size() > before; },
                         "data_received() after resume_reading()"));
  }
}

std::string TransportConformanceTest::fill_write_buffer(std::size_t at_least) {
  constexpr std::size_t chunk_size = 16 * 1024;
  std::string written;
  std::size_t buffered = 0;
  act([&](ContractCheckingProtocol& p) {
    const Transport& transport = p.connected_transport();
    while (transport.write_buffer_size() < at_least && written.size() < fill_bound) {
      std::string piece = pattern(written.size(), chunk_size);
      p.write(piece);
      written += piece;
    }
    buffered = transport.write_buffer_size();
  });
  EXPECT_GE(buffered, at_least) << harness_->name() << ": wrote " << written.size()
                                << " bytes with the peer not reading, and only " << buffered
                                << " wait in the write buffer";
  return written;
}

std::string TransportConformanceTest::state() const {
  std::string out = "the protocol saw: " + protocol_.history();
  if (!protocol_.violations().empty()) out += "\n  breaches: " + joined(protocol_.violations());
  if (harness_ != nullptr) {
    out += "\n  the peer read " + std::to_string(harness_->peer_received().size()) +
           " bytes; its end of stream: " + std::string(to_string(harness_->peer_end()));
  }
  return out;
}

// A binary that links the suite without instantiating it runs none of it, on purpose.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(TransportConformanceTest);

namespace {

// ---------------------------------------------------------------- order (promise 1)

TEST_P(TransportConformanceTest, ConnectionMadeComesFirstAndOnce) {
  harness().connect(protocol());
  harness().peer_send("hello");  // may be on its way before the connection is accepted
  ASSERT_TRUE(wait_for([&] { return protocol().received().size() >= 5; }, "the peer's hello"));
  EXPECT_EQ(protocol().received(), "hello");
  act([](ContractCheckingProtocol& p) { p.lose_connection(); });
  ASSERT_TRUE(wait_for_lost());

  const std::vector<ProtocolEvent>& events = protocol().events();
  EXPECT_EQ(events.front().kind, Kind::connection_made) << protocol().history();
  EXPECT_EQ(protocol().count(Kind::connection_made), 1u) << protocol().history();
  EXPECT_EQ(events.back().kind, Kind::connection_lost) << protocol().history();
  EXPECT_EQ(protocol().count(Kind::connection_lost), 1u) << protocol().history();
}

TEST_P(TransportConformanceTest, PeerDataArrivesIntactAndInOrder) {
  ASSERT_TRUE(connect());
  const std::string data = pattern(0, 256 * 1024);
  for (std::size_t at = 0; at < data.size(); at += 4096) {
    harness().peer_send(std::string_view(data).substr(at, 4096));
  }
  ASSERT_TRUE(wait_for([&] { return protocol().received().size() >= data.size(); },
                       "256 KiB from the peer"));
  EXPECT_TRUE(same_bytes(data, protocol().received()));
}

TEST_P(TransportConformanceTest, WritesArriveIntactAndInOrder) {
  ASSERT_TRUE(connect());
  const std::string data = pattern(0, 256 * 1024);
  act([&](ContractCheckingProtocol& p) {
    const std::string_view all(data);
    std::size_t at = 0;
    for (int round = 0; at < all.size(); ++round) {
      if (round % 2 == 0) {
        p.write(all.substr(at, 4096));
        at += 4096;
      } else {  // three pieces in one call
        const std::array<std::string_view, 3> pieces = {
            all.substr(at, 1000), all.substr(at + 1000, 1), all.substr(at + 1001, 3095)};
        p.write_sequence(pieces);
        at += 4096;
      }
    }
  });
  ASSERT_TRUE(wait_for([&] { return harness().peer_received().size() >= data.size(); },
                       "the peer to read 256 KiB"));
  EXPECT_TRUE(same_bytes(data, harness().peer_received()));
}

TEST_P(TransportConformanceTest, NothingIsDeliveredAfterConnectionLost) {
  ASSERT_TRUE(connect());
  act([](ContractCheckingProtocol& p) { p.lose_connection(); });
  ASSERT_TRUE(wait_for_lost());
  const std::size_t events = protocol().events().size();

  harness().peer_send("too late");
  harness().peer_half_close();
  harness().settle();
  EXPECT_EQ(protocol().events().size(), events) << protocol().history();
}

TEST_P(TransportConformanceTest, OneConnectionLostForRepeatedCloseRequests) {
  ASSERT_TRUE(connect());
  act([](ContractCheckingProtocol& p) {
    p.lose_connection();
    p.lose_connection();
    p.half_close();
    p.abort_connection();
    p.abort_connection();
  });
  ASSERT_TRUE(wait_for_lost());
  harness().settle();
  EXPECT_EQ(protocol().count(Kind::connection_lost), 1u) << protocol().history();
}

TEST_P(TransportConformanceTest, OneConnectionLostWhenThePeerResetsWhileClosing) {
  ASSERT_TRUE(connect());
  harness().peer_stop_reading();
  fill_write_buffer();
  act([](ContractCheckingProtocol& p) { p.lose_connection(); });
  harness().peer_reset();
  ASSERT_TRUE(wait_for_lost());
  harness().settle();
  EXPECT_EQ(protocol().count(Kind::connection_lost), 1u) << protocol().history();
  EXPECT_TRUE(is_breakage(*protocol().lost_reason())) << protocol().lost_reason()->what();
}

// ---------------------------------------------------------------- reasons (promises 2-4)

TEST_P(TransportConformanceTest, LoseConnectionGivesConnectionDone) {
  ASSERT_TRUE(connect());
  act([](ContractCheckingProtocol& p) {
    p.write("goodbye");
    p.lose_connection();
    EXPECT_TRUE(p.connected_transport().disconnecting());
    EXPECT_FALSE(p.lost()) << "connection_lost ran inside lose_connection()";
  });
  ASSERT_TRUE(wait_for_lost());
  EXPECT_TRUE(protocol().lost_reason()->is(errc::connection_done))
      << protocol().lost_reason()->what();
  ASSERT_TRUE(wait_for([&] { return harness().peer_end() != PeerEnd::open; },
                       "the peer to read the end of the stream"));
  EXPECT_EQ(harness().peer_end(), PeerEnd::eof);
  EXPECT_EQ(harness().peer_received(), "goodbye");
}

TEST_P(TransportConformanceTest, AbortConnectionGivesConnectionAborted) {
  ASSERT_TRUE(connect());
  act([](ContractCheckingProtocol& p) {
    p.abort_connection();
    EXPECT_TRUE(p.connected_transport().disconnecting());
    EXPECT_FALSE(p.lost()) << "connection_lost ran inside abort_connection()";
  });
  ASSERT_TRUE(wait_for_lost());
  EXPECT_TRUE(protocol().lost_reason()->is(errc::connection_aborted))
      << protocol().lost_reason()->what();
}

TEST_P(TransportConformanceTest, PeerCloseGivesConnectionDone) {
  ASSERT_TRUE(connect());
  harness().peer_send("last words");
  harness().peer_close();
  ASSERT_TRUE(wait_for_lost());
  EXPECT_TRUE(protocol().lost_reason()->is(errc::connection_done))
      << protocol().lost_reason()->what();
  EXPECT_EQ(protocol().received(), "last words");
}

TEST_P(TransportConformanceTest, PeerResetGivesConnectionLostOrTheSystemError) {
  ASSERT_TRUE(connect());
  harness().peer_reset();
  ASSERT_TRUE(wait_for_lost());
  EXPECT_TRUE(is_breakage(*protocol().lost_reason())) << protocol().lost_reason()->what();
}

// ---------------------------------------------------------------- close requests (promise 5)

TEST_P(TransportConformanceTest, LoseConnectionInsideDataReceivedCallsBackAfterItReturns) {
  bool data_received_returned = false;
  protocol().on_data_received = [&](std::string_view) {
    protocol().lose_connection();
    data_received_returned = true;
  };
  protocol().on_connection_lost = [&](const Failure&) {
    EXPECT_TRUE(data_received_returned) << "connection_lost ran inside lose_connection()";
  };
  ASSERT_TRUE(connect());
  harness().peer_send("QUIT");
  ASSERT_TRUE(wait_for_lost());
  EXPECT_TRUE(protocol().lost_reason()->is(errc::connection_done))
      << protocol().lost_reason()->what();
}

TEST_P(TransportConformanceTest, AbortInsideConnectionMadeCallsBackAfterItReturns) {
  bool connection_made_returned = false;
  protocol().on_connection_made = [&] {
    protocol().abort_connection();
    connection_made_returned = true;
  };
  protocol().on_connection_lost = [&](const Failure&) {
    EXPECT_TRUE(connection_made_returned) << "connection_lost ran inside abort_connection()";
  };
  harness().connect(protocol());
  ASSERT_TRUE(wait_for_lost());
  EXPECT_TRUE(protocol().lost_reason()->is(errc::connection_aborted))
      << protocol().lost_reason()->what();
}

TEST_P(TransportConformanceTest, WritesAfterLoseConnectionAreNotSent) {
  ASSERT_TRUE(connect());
  act([](ContractCheckingProtocol& p) {
    p.write("sent");
    p.lose_connection();
    p.write(" not sent");
    const std::array<std::string_view, 2> pieces = {" nor", " this"};
    p.write_sequence(pieces);
  });
  ASSERT_TRUE(wait_for_lost());
  ASSERT_TRUE(wait_for([&] { return harness().peer_end() != PeerEnd::open; },
                       "the peer to read the end of the stream"));
  EXPECT_EQ(harness().peer_received(), "sent");
}

TEST_P(TransportConformanceTest, WritesAfterAbortConnectionAreNotSent) {
  ASSERT_TRUE(connect());
  act([](ContractCheckingProtocol& p) {
    p.abort_connection();
    p.write("not sent");
  });
  ASSERT_TRUE(wait_for_lost());
  ASSERT_TRUE(wait_for([&] { return harness().peer_end() != PeerEnd::open; },
                       "the peer to read the end of the stream"));
  EXPECT_EQ(harness().peer_received(), "");
}

TEST_P(TransportConformanceTest, LoseConnectionSendsPendingDataFirst) {
  ASSERT_TRUE(connect());
  harness().peer_stop_reading();
  const std::string data = fill_write_buffer();
  act([](ContractCheckingProtocol& p) { p.lose_connection(); });
  harness().settle();
  EXPECT_FALSE(protocol().lost()) << "connection_lost came before pending data was sent";

  harness().peer_resume_reading();
  ASSERT_TRUE(wait_for_lost_and_peer_end());
  EXPECT_TRUE(protocol().lost_reason()->is(errc::connection_done))
      << protocol().lost_reason()->what();
  EXPECT_EQ(harness().peer_end(), PeerEnd::eof);
  EXPECT_TRUE(same_bytes(data, harness().peer_received()));
}

TEST_P(TransportConformanceTest, AbortConnectionDiscardsBufferedData) {
  ASSERT_TRUE(connect());
  harness().peer_stop_reading();
  const std::string data = fill_write_buffer();
  const std::size_t buffered = protocol().connected_transport().write_buffer_size();
  act([](ContractCheckingProtocol& p) { p.abort_connection(); });
  ASSERT_TRUE(wait_for_lost());
  EXPECT_TRUE(protocol().lost_reason()->is(errc::connection_aborted))
      << protocol().lost_reason()->what();

  harness().peer_resume_reading();
  ASSERT_TRUE(wait_for([&] { return harness().peer_end() != PeerEnd::open; },
                       "the peer to read the end of the stream"));
  const std::string& received = harness().peer_received();
  // What the system had already taken may arrive; what the transport still held must not.
  EXPECT_LE(received.size(), data.size() - buffered)
      << buffered << " bytes were buffered in the transport at the abort";
  EXPECT_TRUE(same_bytes(std::string_view(data).substr(0, received.size()), received));
}

TEST_P(TransportConformanceTest, AbortAfterLoseConnectionDropsTheBufferAndGivesAborted) {
  ASSERT_TRUE(connect());
  harness().peer_stop_reading();
  const std::string data = fill_write_buffer();
  const std::size_t buffered = protocol().connected_transport().write_buffer_size();
  ASSERT_GT(buffered, 0u);
  // The close waits for the buffer to drain, which the peer does not allow; the abort
  // gives up on it.
  act([](ContractCheckingProtocol& p) {
    p.lose_connection();
    p.abort_connection();
  });
  ASSERT_TRUE(wait_for_lost());
  EXPECT_TRUE(protocol().lost_reason()->is(errc::connection_aborted))
      << protocol().lost_reason()->what();
  harness().peer_resume_reading();
  ASSERT_TRUE(wait_for([&] { return harness().peer_end() != PeerEnd::open; },
                       "the peer to read the end of the stream"));
  EXPECT_LE(harness().peer_received().size(), data.size() - buffered);
}

// ---------------------------------------------------------------- half close

TEST_P(TransportConformanceTest, HalfCloseSendsEndOfStreamAndKeepsReading) {
  protocol().on_read_connection_lost = [] {};
  ASSERT_TRUE(connect());
  act([](ContractCheckingProtocol& p) {
    p.write("request");
    p.half_close();
    p.write(" ignored");
    EXPECT_FALSE(p.lost()) << "connection_lost ran inside half_close()";
  });
  ASSERT_TRUE(wait_for([&] { return harness().peer_end() != PeerEnd::open; },
                       "the peer to read the end of the stream"));
  EXPECT_EQ(harness().peer_end(), PeerEnd::eof);
  EXPECT_EQ(harness().peer_received(), "request");
  EXPECT_TRUE(protocol().connected()) << protocol().history();

  harness().peer_send("response");
  ASSERT_TRUE(wait_for([&] { return protocol().received().size() >= 8; }, "the response"));
  EXPECT_EQ(protocol().received(), "response");
  EXPECT_TRUE(protocol().connected()) << protocol().history();

  act([](ContractCheckingProtocol& p) { p.lose_connection(); });
  ASSERT_TRUE(wait_for_lost());
  EXPECT_TRUE(protocol().lost_reason()->is(errc::connection_done))
      << protocol().lost_reason()->what();
}

TEST_P(TransportConformanceTest, HalfCloseSendsPendingDataFirst) {
  ASSERT_TRUE(connect());
  harness().peer_stop_reading();
  const std::string data = fill_write_buffer();
  act([](ContractCheckingProtocol& p) { p.half_close(); });
  harness().peer_resume_reading();
  ASSERT_TRUE(wait_for([&] { return harness().peer_end() != PeerEnd::open; },
                       "the peer to read to the end of the stream"));
  EXPECT_EQ(harness().peer_end(), PeerEnd::eof);
  EXPECT_TRUE(same_bytes(data, harness().peer_received()));
  EXPECT_TRUE(protocol().connected()) << protocol().history();
}

TEST_P(TransportConformanceTest, PeerHalfCloseGivesReadConnectionLost) {
  protocol().on_read_connection_lost = [] {};  // keep our direction open
  ASSERT_TRUE(connect());
  harness().peer_send("question");
  harness().peer_half_close();
  ASSERT_TRUE(wait_for([&] { return protocol().read_lost(); }, "read_connection_lost()"));
  EXPECT_EQ(protocol().received(), "question");
  EXPECT_TRUE(protocol().connected()) << protocol().history();

  act([](ContractCheckingProtocol& p) {
    p.write("answer");
    p.lose_connection();
  });
  ASSERT_TRUE(wait_for_lost());
  EXPECT_TRUE(protocol().lost_reason()->is(errc::connection_done))
      << protocol().lost_reason()->what();
  ASSERT_TRUE(wait_for([&] { return harness().peer_end() != PeerEnd::open; },
                       "the peer to read the end of the stream"));
  EXPECT_EQ(harness().peer_received(), "answer");
  EXPECT_EQ(harness().peer_end(), PeerEnd::eof);
}

TEST_P(TransportConformanceTest, PeerHalfCloseByDefaultClosesAfterPendingWrites) {
  ASSERT_TRUE(connect());
  harness().peer_stop_reading();
  const std::string data = fill_write_buffer();
  harness().peer_half_close();
  ASSERT_TRUE(wait_for([&] { return protocol().read_lost(); }, "read_connection_lost()"));
  harness().settle();
  EXPECT_FALSE(protocol().lost()) << "connection_lost came before pending data was sent";

  harness().peer_resume_reading();
  ASSERT_TRUE(wait_for_lost_and_peer_end());
  EXPECT_TRUE(protocol().lost_reason()->is(errc::connection_done))
      << protocol().lost_reason()->what();
  EXPECT_TRUE(same_bytes(data, harness().peer_received()));
}

// kit/transport.h does not yet say how a connection ends once both directions are shut
// cleanly; StringTransport ends it with connection_done, and these hold every transport
// to that, so the fakes and the live transports cannot differ on it.
TEST_P(TransportConformanceTest, BothDirectionsShutEndsTheConnectionWhenWeShutFirst) {
  protocol().on_read_connection_lost = [] {};
  ASSERT_TRUE(connect());
  act([](ContractCheckingProtocol& p) { p.half_close(); });
  ASSERT_TRUE(wait_for([&] { return harness().peer_end() != PeerEnd::open; },
                       "the peer to read the end of the stream"));
  harness().peer_half_close();
  ASSERT_TRUE(wait_for_lost());
  EXPECT_TRUE(protocol().lost_reason()->is(errc::connection_done))
      << protocol().lost_reason()->what();
}

TEST_P(TransportConformanceTest, BothDirectionsShutEndsTheConnectionWhenThePeerShutsFirst) {
  protocol().on_read_connection_lost = [] {};
  ASSERT_TRUE(connect());
  harness().peer_half_close();
  ASSERT_TRUE(wait_for([&] { return protocol().read_lost(); }, "read_connection_lost()"));
  act([](ContractCheckingProtocol& p) { p.half_close(); });
  ASSERT_TRUE(wait_for_lost());
  EXPECT_TRUE(protocol().lost_reason()->is(errc::connection_done))
      << protocol().lost_reason()->what();
}

TEST_P(TransportConformanceTest, BothDirectionsShutEndsTheConnectionAfterPendingWrites) {
  protocol().on_read_connection_lost = [] {};
  ASSERT_TRUE(connect());
  harness().peer_stop_reading();
  const std::string data = fill_write_buffer();
  act([](ContractCheckingProtocol& p) { p.half_close(); });
  harness().peer_half_close();
  ASSERT_TRUE(wait_for([&] { return protocol().read_lost(); }, "read_connection_lost()"));
  harness().peer_resume_reading();
  ASSERT_TRUE(wait_for_lost_and_peer_end());
  EXPECT_TRUE(protocol().lost_reason()->is(errc::connection_done))
      << protocol().lost_reason()->what();
  EXPECT_EQ(harness().peer_end(), PeerEnd::eof);
  EXPECT_TRUE(same_bytes(data, harness().peer_received()));
}

// Input the protocol never read must not turn its orderly close into a reset, which could
// destroy its last answer before the peer reads it.
TEST_P(TransportConformanceTest, LoseConnectionWithUnreadInputStillEndsInOrder) {
  protocol().on_connection_made = [&] { protocol().pause_reading(); };
  ASSERT_TRUE(connect());
  harness().peer_send(pattern(0, 20000));
  harness().settle();
  act([](ContractCheckingProtocol& p) {
    p.write("error: line too long\r\n");
    p.lose_connection();
  });
  ASSERT_TRUE(wait_for_lost_and_peer_end());
  EXPECT_TRUE(protocol().lost_reason()->is(errc::connection_done))
      << protocol().lost_reason()->what();
  EXPECT_EQ(harness().peer_received(), "error: line too long\r\n");
  EXPECT_EQ(harness().peer_end(), PeerEnd::eof) << "the peer was reset, not closed in order";
}

// ---------------------------------------------------------------- addresses (promise 6)

void expect_addresses_unchanged(const ContractCheckingProtocol& p) {
  EXPECT_NE(p.peer_when_lost().family(), Address::Family::none) << "peer() in connection_lost";
  EXPECT_NE(p.host_when_lost().family(), Address::Family::none) << "host() in connection_lost";
  EXPECT_EQ(p.peer_when_lost(), p.peer_when_made()) << p.peer_when_lost().to_string();
  EXPECT_EQ(p.host_when_lost(), p.host_when_made()) << p.host_when_lost().to_string();
}

TEST_P(TransportConformanceTest, PeerAndHostStayValidInsideConnectionLostAfterLoseConnection) {
  ASSERT_TRUE(connect());
  act([](ContractCheckingProtocol& p) { p.lose_connection(); });
  ASSERT_TRUE(wait_for_lost());
  expect_addresses_unchanged(protocol());
}

TEST_P(TransportConformanceTest, PeerAndHostStayValidInsideConnectionLostAfterAbort) {
  ASSERT_TRUE(connect());
  act([](ContractCheckingProtocol& p) { p.abort_connection(); });
  ASSERT_TRUE(wait_for_lost());
  expect_addresses_unchanged(protocol());
}

TEST_P(TransportConformanceTest, PeerAndHostStayValidInsideConnectionLostAfterPeerClose) {
  ASSERT_TRUE(connect());
  harness().peer_close();
  ASSERT_TRUE(wait_for_lost());
  expect_addresses_unchanged(protocol());
}

TEST_P(TransportConformanceTest, PeerAndHostStayValidInsideConnectionLostAfterPeerReset) {
  ASSERT_TRUE(connect());
  harness().peer_reset();
  ASSERT_TRUE(wait_for_lost());
  expect_addresses_unchanged(protocol());
}

// ---------------------------------------------------------------- flow control (promise 7)

TEST_P(TransportConformanceTest, ProducerPausedAboveHighWaterAndResumedAtLowWater) {
  constexpr std::size_t high_water = 32 * 1024;
  constexpr std::size_t low_water = 8 * 1024;
  ASSERT_TRUE(connect());
  ContractCheckingProducer& producer = this->producer();
  std::size_t buffered_at_pause = 0;
  std::size_t buffered_at_resume = 0;
  producer.on_pause = [&] {
    if (protocol().connected()) {
      buffered_at_pause = protocol().connected_transport().write_buffer_size();
    }
  };
  producer.on_resume = [&] {
    if (protocol().connected()) {
      buffered_at_resume = protocol().connected_transport().write_buffer_size();
    }
  };
  act([&](ContractCheckingProtocol& p) {
    p.connected_transport().set_write_buffer_limits(high_water, low_water);
    p.connected_transport().register_producer(producer);
  });
  harness().peer_stop_reading();

  // Write as a producer does, until paused; the pause must come from the write() that
  // took the buffer over the mark.
  std::string written;
  act([&](ContractCheckingProtocol& p) {
    while (!producer.paused() && written.size() < fill_bound) {
      std::string piece = pattern(written.size(), 4096);
      p.write(piece);
      written += piece;
      const std::size_t buffered = p.connected_transport().write_buffer_size();
      if (buffered > high_water && !producer.paused()) {
        ADD_FAILURE() << "write_buffer_size() is " << buffered << ", above the high-water mark "
                      << high_water << ", and write() returned without pausing the producer";
        break;
      }
    }
  });
  ASSERT_TRUE(producer.paused()) << "wrote " << written.size() << " bytes unpaused";
  EXPECT_GT(buffered_at_pause, high_water) << "paused before the buffer rose above the mark";
  EXPECT_EQ(producer.resumes(), 0u);

  harness().peer_resume_reading();
  ASSERT_TRUE(wait_for([&] { return producer.resumes() > 0; }, "resume_producing()"));
  EXPECT_LE(buffered_at_resume, low_water)
      << "resumed before the buffer fell to the low-water mark";
  ASSERT_TRUE(wait_for([&] { return harness().peer_received().size() >= written.size(); },
                       "the peer to read everything written"));
  EXPECT_TRUE(same_bytes(written, harness().peer_received()));
  EXPECT_EQ(producer.pauses(), 1u);
  EXPECT_EQ(producer.resumes(), 1u);
  EXPECT_TRUE(producer.violations().empty()) << joined(producer.violations());
}

// The producer may be destroyed from inside connection_lost() (transport.h: it must stay
// alive only until then), so it must have been stopped by the time connection_lost() runs.
TEST_P(TransportConformanceTest, ProducerStoppedWhenTheConnectionIsLost) {
  ASSERT_TRUE(connect());
  ContractCheckingProducer& producer = this->producer();
  std::size_t stops_at_connection_lost = 0;
  protocol().on_connection_lost = [&](const Failure&) {
    stops_at_connection_lost = producer.stops();
  };
  act([&](ContractCheckingProtocol& p) { p.connected_transport().register_producer(producer); });
  act([](ContractCheckingProtocol& p) { p.lose_connection(); });
  ASSERT_TRUE(wait_for_lost());
  harness().settle();
  EXPECT_EQ(stops_at_connection_lost, 1u);
  EXPECT_EQ(producer.stops(), 1u);
  EXPECT_TRUE(producer.violations().empty()) << joined(producer.violations());
}

TEST_P(TransportConformanceTest, ProducerStoppedWhenThePeerResets) {
  ASSERT_TRUE(connect());
  ContractCheckingProducer& producer = this->producer();
  std::size_t stops_at_connection_lost = 0;
  protocol().on_connection_lost = [&](const Failure&) {
    stops_at_connection_lost = producer.stops();
  };
  act([&](ContractCheckingProtocol& p) { p.connected_transport().register_producer(producer); });
  harness().peer_reset();
  ASSERT_TRUE(wait_for_lost());
  harness().settle();
  EXPECT_EQ(stops_at_connection_lost, 1u);
  EXPECT_EQ(producer.stops(), 1u);
  EXPECT_TRUE(producer.violations().empty()) << joined(producer.violations());
}

TEST_P(TransportConformanceTest, UnregisteredProducerIsNotStopped) {
  ASSERT_TRUE(connect());
  ContractCheckingProducer& producer = this->producer();
  act([&](ContractCheckingProtocol& p) {
    p.connected_transport().register_producer(producer);
    p.connected_transport().unregister_producer();
  });
  act([](ContractCheckingProtocol& p) { p.lose_connection(); });
  ASSERT_TRUE(wait_for_lost());
  harness().settle();
  EXPECT_EQ(producer.stops(), 0u);
  EXPECT_TRUE(producer.violations().empty()) << joined(producer.violations());
}

// ---------------------------------------------------------------- paused reading (promise 8)

TEST_P(TransportConformanceTest, PauseReadingHoldsDataUntilResumeReading) {
  protocol().on_connection_made = [&] { protocol().pause_reading(); };
  ASSERT_TRUE(connect());
  harness().peer_send("abc");
  harness().peer_send("def");
  harness().settle();
  EXPECT_EQ(protocol().received(), "") << "data_received() while reading was paused";

  act([](ContractCheckingProtocol& p) { p.resume_reading(); });
  ASSERT_TRUE(wait_for([&] { return protocol().received().size() >= 6; }, "the held data"));
  EXPECT_EQ(protocol().received(), "abcdef");
}

// Paused from reactor code outside the connection's callbacks (a timer, say), while the
// transport is waiting for input: what arrives then, more than any small buffer holds,
// and the end of the stream after it, all come after resume_reading(), in order.
TEST_P(TransportConformanceTest, PauseReadingFromOutsideCallbacksHoldsDataAndEnd) {
  protocol().on_read_connection_lost = [] {};
  ASSERT_TRUE(connect());
  act([](ContractCheckingProtocol& p) { p.pause_reading(); });
  const std::string data = pattern(0, 10000);
  harness().peer_send(std::string_view(data).substr(0, 100));
  harness().peer_send(std::string_view(data).substr(100));
  harness().peer_half_close();
  harness().settle();
  EXPECT_EQ(protocol().received(), "") << "data_received() while reading was paused";
  EXPECT_FALSE(protocol().read_lost()) << "read_connection_lost() while reading was paused";

  act([](ContractCheckingProtocol& p) { p.resume_reading(); });
  ASSERT_TRUE(wait_for([&] { return protocol().read_lost(); }, "read_connection_lost()"));
  EXPECT_TRUE(same_bytes(data, protocol().received()));
}

TEST_P(TransportConformanceTest, PauseReadingFromOutsideCallbacksThenPauseAgainOnData) {
  protocol().on_data_received = [&](std::string_view) { protocol().pause_reading(); };
  ASSERT_TRUE(connect());
  act([](ContractCheckingProtocol& p) { p.pause_reading(); });
  harness().peer_send("held");
  harness().settle();
  EXPECT_EQ(protocol().received(), "");

  // Each data_received() pauses again (a transport may deliver the bytes in pieces).
  resume_until_received(4);
  EXPECT_EQ(protocol().received(), "held");
  harness().peer_send("next");
  harness().settle();
  EXPECT_EQ(protocol().received(), "held") << "data_received() while reading was paused";
  resume_until_received(8);
  EXPECT_EQ(protocol().received(), "heldnext");
}

TEST_P(TransportConformanceTest, PauseReadingInsideDataReceivedHoldsTheRest) {
  bool pause_on_data = true;
  protocol().on_data_received = [&](std::string_view) {
    if (pause_on_data) protocol().pause_reading();
  };
  ASSERT_TRUE(connect());
  harness().peer_send("first");
  ASSERT_TRUE(wait_for([&] { return !protocol().received().empty(); }, "data_received()"));
  const std::string before = protocol().received();
  harness().peer_send("second");
  harness().settle();
  EXPECT_EQ(protocol().received(), before) << "data_received() while reading was paused";

  pause_on_data = false;
  act([](ContractCheckingProtocol& p) { p.resume_reading(); });
  ASSERT_TRUE(wait_for([&] { return protocol().received().size() >= 11; }, "the held data"));
  EXPECT_EQ(protocol().received(), "firstsecond");
}

TEST_P(TransportConformanceTest, PausedDataComesBeforeReadConnectionLost) {
  protocol().on_connection_made = [&] { protocol().pause_reading(); };
  ASSERT_TRUE(connect());
  harness().peer_send("abc");
  harness().peer_half_close();
  harness().settle();
  EXPECT_EQ(protocol().received(), "") << "data_received() while reading was paused";

  act([](ContractCheckingProtocol& p) { p.resume_reading(); });
  ASSERT_TRUE(wait_for([&] { return protocol().read_lost(); }, "read_connection_lost()"));
  EXPECT_EQ(protocol().received(), "abc") << protocol().history();
}

TEST_P(TransportConformanceTest, PauseAndResumeRepeatedlyLosesNothing) {
  protocol().on_data_received = [&](std::string_view) { protocol().pause_reading(); };
  ASSERT_TRUE(connect());
  const std::string data = pattern(0, 64 * 1024);
  for (std::size_t at = 0; at < data.size(); at += 4096) {
    harness().peer_send(std::string_view(data).substr(at, 4096));
  }
  // Each data_received() pauses; each resume lets at least one more through.
  resume_until_received(data.size());
  EXPECT_TRUE(same_bytes(data, protocol().received()));
}

// Promise 9: with no producer registered, a read whose answer takes the write buffer above
// the high-water mark stops reading until the buffer falls to the low one, so a peer that
// sends and never reads cannot make the protocol buffer without bound.
TEST_P(TransportConformanceTest, ReadingStopsWhileAnAnswerIsAboveHighWater) {
  constexpr std::size_t high_water = 4096;
  constexpr std::size_t low_water = 1024;
  std::string answer;
  std::size_t buffered_after_answer = 0;
  protocol().on_connection_made = [&] {
    protocol().connected_transport().set_write_buffer_limits(high_water, low_water);
  };
  protocol().on_data_received = [&](std::string_view) {
    if (!answer.empty()) return;
    const Transport& transport = protocol().connected_transport();
    while (transport.write_buffer_size() <= high_water && answer.size() < fill_bound) {
      std::string piece = pattern(answer.size(), 4096);
      protocol().write(piece);
      answer += piece;
    }
    buffered_after_answer = transport.write_buffer_size();
  };
  ASSERT_TRUE(connect());
  harness().peer_stop_reading();
  harness().peer_send("a");
  ASSERT_TRUE(wait_for([&] { return !protocol().received().empty(); }, "the first byte"));
  ASSERT_GT(buffered_after_answer, high_water) << "wrote " << answer.size() << " bytes";

  harness().peer_send("b");
  harness().settle();
  EXPECT_EQ(protocol().received(), "a") << "data_received() with the write buffer above high";
  EXPECT_FALSE(protocol().reading_paused()) << "the throttle is the transport's, not a pause";

  harness().peer_resume_reading();
  ASSERT_TRUE(wait_for([&] { return protocol().received() == "ab"; },
                       "reading to resume once the buffer drained"));
  ASSERT_TRUE(wait_for([&] { return harness().peer_received().size() >= answer.size(); },
                       "the peer to read the whole answer"));
  EXPECT_TRUE(same_bytes(answer, harness().peer_received()));
}

TEST_P(TransportConformanceTest, BackPressureTurnedOffKeepsReadingAboveHighWater) {
  constexpr std::size_t high_water = 4096;
  std::string answer;
  protocol().on_connection_made = [&] {
    Transport& transport = protocol().connected_transport();
    transport.set_write_buffer_limits(high_water, high_water / 4);
    transport.set_back_pressure(false);
  };
  protocol().on_data_received = [&](std::string_view) {
    if (!answer.empty()) return;
    const Transport& transport = protocol().connected_transport();
    while (transport.write_buffer_size() <= high_water && answer.size() < fill_bound) {
      std::string piece = pattern(answer.size(), 4096);
      protocol().write(piece);
      answer += piece;
    }
  };
  ASSERT_TRUE(connect());
  harness().peer_stop_reading();
  harness().peer_send("a");
  ASSERT_TRUE(wait_for([&] { return !protocol().received().empty(); }, "the first byte"));
  harness().peer_send("b");
  ASSERT_TRUE(wait_for([&] { return protocol().received() == "ab"; },
                       "data_received() with back-pressure off"));
  bool above = false;
  act([&](ContractCheckingProtocol& p) {
    above = p.connected_transport().write_buffer_size() > high_water;
  });
  EXPECT_TRUE(above) << "the peer read while it was asked not to";
  harness().peer_resume_reading();
  ASSERT_TRUE(wait_for([&] { return harness().peer_received().size() >= answer.size(); },
                       "the peer to read the whole answer"));
}

// Promise 10: one context for the whole connection, and the protocol's clock(), random()
// and thread_pool() are its.
TEST_P(TransportConformanceTest, ContextIsTheSameForTheWholeConnection) {
  const Context* at_made = nullptr;
  const Context* at_data = nullptr;
  bool helpers_route_through_it = false;
  protocol().on_connection_made = [&] {
    Context& context = protocol().connected_transport().context();
    at_made = &context;
    helpers_route_through_it = &protocol().clock() == &context.clock() &&
                               &protocol().random() == &context.random() &&
                               &protocol().thread_pool() == &context.thread_pool();
  };
  protocol().on_data_received = [&](std::string_view) {
    at_data = &protocol().connected_transport().context();
  };
  ASSERT_TRUE(connect());
  harness().peer_send("x");
  ASSERT_TRUE(wait_for([&] { return !protocol().received().empty(); }, "data_received()"));
  EXPECT_NE(at_made, nullptr);
  EXPECT_EQ(at_made, at_data);
  EXPECT_TRUE(helpers_route_through_it);
}

}  // namespace
}  // namespace kit::testing
