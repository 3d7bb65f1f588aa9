#include "testing/fail_matrix.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/loopback.h"
#include "testing/scripted_protocol.h"

namespace kit::testing {
namespace {

using ::testing::AssertionFailure;
using ::testing::AssertionResult;
using ::testing::AssertionSuccess;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A client that writes each of `pieces` in its own write(), then closes, to a server that
// reads; `wrap_client` says which side is under the run's faults.
struct Exchange {
  std::vector<std::string> pieces = {};
  bool wrap_client = true;
  std::string received = {};  // what the server got, in the last run

  void run(FaultInjector& faults) {
    ScriptedProtocol client;
    ScriptedProtocol server;
    client.on_made = [this](ScriptedProtocol& p) {
      for (const std::string& piece : pieces) p.transport()->write(piece);
      p.transport()->lose_connection();
    };
    auto layer = faults.wrap(wrap_client ? static_cast<Protocol&>(client) : server);
    if (wrap_client) {
      fakes::LoopbackPair pair(*layer, server);
      pair.pump();
    } else {
      fakes::LoopbackPair pair(client, *layer);
      pair.pump();
    }
    received = server.received();
  }
};

AssertionResult always(const FailMatrixRun&) { return AssertionSuccess(); }

TEST(FailMatrix, FailsEachOperationInTurnUntilARunCompletes) {
  Exchange exchange{.pieces = {"a", "b", "c"}};
  std::vector<std::string> seen;
  const AssertionResult result =
      run_fail_matrix([&](FaultInjector& faults) { exchange.run(faults); },
                      [&](const FailMatrixRun& run) {
                        seen.push_back(std::to_string(run.index) + (run.hit ? " hit " : " clean ") +
                                       exchange.received);
                        return AssertionSuccess();
                      },
                      // A reset would drop the writes still in the pair's buffer.
                      {.ending = fakes::FaultEnding::close, .bound = 100});
  EXPECT_TRUE(result);
  EXPECT_THAT(result.message(), HasSubstr("4 runs; run 4 completed with no fault hit"));
  EXPECT_THAT(seen, ElementsAre("1 hit ", "2 hit a", "3 hit ab", "4 clean abc"));
}

TEST(FailMatrix, NamesTheRunThatBreaksTheInvariantAsAPlanToPaste) {
  Exchange exchange{.pieces = {"a", "b", "c"}};
  const AssertionResult result =
      run_fail_matrix([&](FaultInjector& faults) { exchange.run(faults); },
                      [&](const FailMatrixRun&) -> AssertionResult {
                        if (exchange.received == "a") return AssertionFailure() << "got only \"a\"";
                        return AssertionSuccess();
                      },
                      // A reset would drop the writes still in the pair's buffer.
                      {.ending = fakes::FaultEnding::close, .bound = 100});
  EXPECT_FALSE(result);
  EXPECT_THAT(result.message(),
              HasSubstr("the invariant failed on run 2, failing operation 2; reproduce with "
                        "kit::fakes::FaultPlan{.fail_operation = 2, .fail_ending = "
                        "kit::fakes::FaultEnding::close} (operation 2 (write of 1 "
                        "byte) failed: close): got only \"a\""));
}

TEST(FailMatrix, CutsAtEveryByteOffsetOfTheChosenDirection) {
  Exchange exchange{.pieces = {"hello"}, .wrap_client = false};
  std::vector<std::string> seen;
  const AssertionResult result =
      run_fail_matrix([&](FaultInjector& faults) { exchange.run(faults); },
                      [&](const FailMatrixRun& run) {
                        seen.push_back(std::to_string(run.index) + ":" + exchange.received);
                        return AssertionSuccess();
                      },
                      {.mode = FailMatrixMode::inbound_byte, .ending = fakes::FaultEnding::close});
  EXPECT_TRUE(result) << result.message();
  EXPECT_THAT(seen, ElementsAre("0:", "1:h", "2:he", "3:hel", "4:hell", "5:hello"));
}

TEST(FailMatrix, BaseFaultsApplyToEveryRun) {
  Exchange exchange{.pieces = {"abcd"}};
  std::vector<std::size_t> out;
  const AssertionResult result =
      run_fail_matrix([&](FaultInjector& faults) { exchange.run(faults); },
                      [&](const FailMatrixRun& run) {
                        out.push_back(run.log.bytes_out);
                        return AssertionSuccess();
                      },
                      {.mode = FailMatrixMode::outbound_byte, .base = {.piece_sizes = {1}}});
  EXPECT_TRUE(result) << result.message();
  EXPECT_THAT(out, ElementsAre(0u, 1u, 2u, 3u, 4u));
}

TEST(FailMatrix, StopsAtTheBound) {
  Exchange exchange{.pieces = {"a", "b", "c"}};
  const AssertionResult result =
      run_fail_matrix([&](FaultInjector& faults) { exchange.run(faults); }, always, 2);
  EXPECT_FALSE(result);
  EXPECT_THAT(result.message(), HasSubstr("all 2 runs hit their fault and none completed"));
}

TEST(FailMatrix, FailsWhenTheScenarioPutsNothingUnderFaults) {
  const AssertionResult result = run_fail_matrix([](FaultInjector&) {}, always, 10);
  EXPECT_FALSE(result);
  EXPECT_THAT(result.message(), HasSubstr("put no connection under faults.wrap()"));
}

TEST(FailMatrix, ReportsAScenarioThatThrows) {
  const AssertionResult thrown =
      run_fail_matrix([](FaultInjector&) { throw std::runtime_error("boom"); }, always, 10);
  EXPECT_FALSE(thrown);
  EXPECT_THAT(thrown.message(),
              HasSubstr("the scenario threw on run 1, failing operation 1; reproduce with "
                        "kit::fakes::FaultPlan{.fail_operation = 1}: boom"));
}

// A naive line reader that hands out what is left when the connection ends as a last
// line: the fault the matrix exists to find.
class SloppyLines : public Protocol {
 public:
  explicit SloppyLines(std::vector<std::string>& lines) : lines_(lines) {}
  void data_received(std::string_view data) override {
    buffer_ += data;
    for (std::size_t end; (end = buffer_.find('\n')) != std::string::npos;) {
      lines_.push_back(buffer_.substr(0, end));
      buffer_.erase(0, end + 1);
    }
  }
  void connection_lost(const Failure&) override {
    if (!buffer_.empty()) lines_.push_back(buffer_);
  }

 private:
  std::vector<std::string>& lines_;
  std::string buffer_;
};

TEST(FailMatrix, FindsAProtocolThatDeliversAPartialLineOnACut) {
  std::vector<std::string> lines;
  const AssertionResult result = run_fail_matrix(
      [&](FaultInjector& faults) {
        lines.clear();
        ScriptedProtocol client;
        client.on_made = [](ScriptedProtocol& p) { p.transport()->write("one\ntwo\n"); };
        SloppyLines server(lines);
        auto layer = faults.wrap(server);
        fakes::LoopbackPair pair(client, *layer);
        pair.pump();
      },
      [&](const FailMatrixRun&) -> AssertionResult {
        for (const std::string& line : lines) {
          if (line != "one" && line != "two") return AssertionFailure() << "partial line " << line;
        }
        return AssertionSuccess();
      },
      {.mode = FailMatrixMode::inbound_byte});
  EXPECT_FALSE(result);
  EXPECT_THAT(result.message(),
              HasSubstr("run 2, cutting inbound at byte 1; reproduce with "
                        "kit::fakes::FaultPlan{.cut = kit::fakes::FaultCut{"
                        ".direction = kit::fakes::FaultDirection::inbound, "
                        ".offset = 1, .ending = kit::fakes::FaultEnding::reset}}"));
  EXPECT_THAT(result.message(), HasSubstr("partial line o"));
}

}  // namespace
}  // namespace kit::testing
