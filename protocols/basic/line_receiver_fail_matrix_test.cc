// LineReceiver under the fail matrix (testing/fail_matrix.h): a client sends lines and a
// raw block to a LineReceiver over the loopback pair, and the connection is broken at
// every operation and at every byte, by reset and by close. Whatever breaks, every line
// is delivered whole or not at all, in order, and raw bytes are never taken for lines
// (nor lines for raw bytes).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/loopback.h"
#include "protocols/basic/line_receiver.h"
#include "testing/fail_matrix.h"
#include "testing/scripted_protocol.h"

namespace kit::protocols {
namespace {

using ::testing::AssertionFailure;
using ::testing::AssertionResult;
using ::testing::AssertionSuccess;

// "RAW n" announces n raw bytes; everything else is a line.
class Collector : public LineReceiver {
 public:
  void line_received(std::string_view line) override {
    lines.emplace_back(line);
    if (line.starts_with("RAW ")) {
      std::from_chars(line.data() + 4, line.data() + line.size(), raw_left_);
      set_raw_mode();
    }
  }
  void raw_data_received(std::string_view data) override {
    const std::size_t take = std::min(raw_left_, data.size());
    raw.append(data.substr(0, take));
    raw_left_ -= take;
    if (raw_left_ == 0) set_line_mode(data.substr(take));
  }

  std::vector<std::string> lines;
  std::string raw;

 private:
  std::size_t raw_left_ = 0;
};

// What the client sends, one write each.
const std::vector<std::string> kWrites = {"alpha\r\n",   "RAW 5\r\n", "12",
                                          "345beta\r\n", "gamma\r\n", "delta"};
const std::vector<std::string> kLines = {"alpha", "RAW 5", "beta", "gamma"};
const std::string kRaw = "12345";

// Where each whole line of kLines ends in the stream, and where the raw block starts.
struct StreamMap {
  std::vector<std::size_t> line_ends;
  std::size_t raw_begin = 0;
};

StreamMap map_stream() {
  std::string stream;
  for (const std::string& w : kWrites) stream += w;
  StreamMap map;
  for (const std::string& line : kLines) {
    const std::size_t at =
        stream.find(line + "\r\n", map.line_ends.empty() ? 0 : map.line_ends.back());
    map.line_ends.push_back(at + line.size() + 2);
  }
  map.raw_begin = stream.find(kRaw);
  return map;
}

class LineReceiverFailMatrix : public ::testing::Test {
 protected:
  // scenario: the client under the faults (outbound) or the server (inbound), with the
  // pair cutting deliveries into pieces of up to max_chunk bytes.
  testing::FailMatrixScenario scenario(bool wrap_server, std::size_t max_chunk) {
    return [this, wrap_server, max_chunk](testing::FaultInjector& faults) {
      server_.emplace();
      testing::ScriptedProtocol client;
      client.on_made = [](testing::ScriptedProtocol& p) {
        for (const std::string& w : kWrites) p.transport()->write(w);
        p.transport()->lose_connection();
      };
      auto layer = wrap_server ? faults.wrap(*server_) : faults.wrap(client);
      fakes::LoopbackPair pair(wrap_server ? static_cast<Protocol&>(client) : *layer,
                               wrap_server ? static_cast<Protocol&>(*layer) : *server_,
                               {.seed = 7, .max_chunk = max_chunk});
      pair.pump();
    };
  }

  // whole_or_nothing: the lines are a prefix of kLines and the raw bytes a prefix of kRaw;
  // after a cut of the server's input at byte k, exactly the lines that ended by k.
  testing::FailMatrixInvariant whole_or_nothing(bool exact_at_cut) {
    return [this, exact_at_cut](const testing::FailMatrixRun& run) -> AssertionResult {
      const std::vector<std::string>& got = server_->lines;
      if (got.size() > kLines.size() || !std::equal(got.begin(), got.end(), kLines.begin())) {
        return AssertionFailure() << "lines are not a prefix of the lines sent: "
                                  << ::testing::PrintToString(got);
      }
      if (!kRaw.starts_with(server_->raw)) {
        return AssertionFailure() << "raw bytes \"" << server_->raw << "\" are not a prefix of \""
                                  << kRaw << "\"";
      }
      if (!run.hit && got.size() != kLines.size()) {
        return AssertionFailure() << "a run with no fault delivered " << got.size() << " lines";
      }
      if (exact_at_cut && run.hit) {
        const std::size_t whole = static_cast<std::size_t>(
            std::count_if(map_.line_ends.begin(), map_.line_ends.end(),
                          [&](std::size_t end) { return end <= run.index; }));
        if (got.size() != whole) {
          return AssertionFailure() << "a cut at byte " << run.index << " delivered " << got.size()
                                    << " lines, not the " << whole << " that ended before it";
        }
        const std::size_t raw_expected =
            run.index <= map_.raw_begin ? 0 : std::min(kRaw.size(), run.index - map_.raw_begin);
        if (server_->raw.size() != raw_expected) {
          return AssertionFailure() << "a cut at byte " << run.index << " delivered "
                                    << server_->raw.size() << " raw bytes, not " << raw_expected;
        }
      }
      return AssertionSuccess();
    };
  }

  std::optional<Collector> server_;  // made afresh for each run
  StreamMap map_ = map_stream();
};

// The stream is 37 bytes: cuts at 0..36, then a run at 37 that cuts nothing.
TEST_F(LineReceiverFailMatrix, EveryInboundByteCutByResetLeavesWholeLinesOnly) {
  const AssertionResult result = testing::run_fail_matrix(
      scenario(/*wrap_server=*/true, 3), whole_or_nothing(true),
      {.mode = testing::FailMatrixMode::inbound_byte, .ending = fakes::FaultEnding::reset});
  EXPECT_TRUE(result);
  EXPECT_THAT(result.message(), ::testing::HasSubstr("38 runs"));
}

TEST_F(LineReceiverFailMatrix, EveryInboundByteCutByCloseLeavesWholeLinesOnly) {
  const AssertionResult result = testing::run_fail_matrix(
      scenario(/*wrap_server=*/true, 0), whole_or_nothing(true),
      {.mode = testing::FailMatrixMode::inbound_byte, .ending = fakes::FaultEnding::close});
  EXPECT_TRUE(result);
  EXPECT_THAT(result.message(), ::testing::HasSubstr("38 runs"));
}

TEST_F(LineReceiverFailMatrix, EveryFailedDeliveryLeavesWholeLinesOnly) {
  for (std::size_t max_chunk : {1, 2, 5}) {
    SCOPED_TRACE("max_chunk " + std::to_string(max_chunk));
    for (fakes::FaultEnding ending : {fakes::FaultEnding::reset, fakes::FaultEnding::close}) {
      EXPECT_TRUE(testing::run_fail_matrix(scenario(/*wrap_server=*/true, max_chunk),
                                           whole_or_nothing(false),
                                           {.ending = ending, .bound = 200}));
    }
  }
}

TEST_F(LineReceiverFailMatrix, EveryOutboundCutOrFailedWriteOfTheSenderLeavesWholeLinesOnly) {
  for (testing::FailMatrixMode mode :
       {testing::FailMatrixMode::operation, testing::FailMatrixMode::outbound_byte}) {
    for (fakes::FaultEnding ending : {fakes::FaultEnding::reset, fakes::FaultEnding::close}) {
      EXPECT_TRUE(testing::run_fail_matrix(
          scenario(/*wrap_server=*/false, 4), whole_or_nothing(false),
          {.mode = mode, .ending = ending, .bound = 200, .base = {.piece_sizes = {2, 1}}}));
    }
  }
}

}  // namespace
}  // namespace kit::protocols
