#include "testing/scripted_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/fake_context.h"
#include "kit/delayed_call.h"
#include "kit/protocol.h"

namespace kit::testing {
namespace {

using ::testing::ElementsAre;

// Greets, answers PING with PONG (in two writes), says BYE and closes on QUIT, and after
// 5 idle seconds says IDLE and closes. Each deliver() in these tests is one whole command.
class Greeter : public Protocol {
 public:
  void connection_made() override {
    transport()->write("HELLO\r\n");
    arm();
  }
  void data_received(std::string_view data) override {
    events.push_back("data");
    arm();
    if (data == "PING\r\n") {
      transport()->write("PO");
      transport()->write("NG\r\n");
    } else if (data == "BOTH\r\n") {
      transport()->write("ONE\r\nTWO\r\n");
    } else if (data == "QUIT\r\n") {
      transport()->write("BYE\r\n");
      transport()->lose_connection();
      events.push_back(lost_ ? "lost inside lose_connection" : "close requested");
    }
  }
  void connection_lost(const Failure& reason) override {
    lost_ = true;
    idle_.cancel();
    events.push_back(reason.is(errc::connection_done)      ? "lost: done"
                     : reason.is(errc::connection_aborted) ? "lost: aborted"
                                                           : "lost: other");
  }

  std::vector<std::string> events;

 private:
  void arm() {
    idle_ = clock().call_later(std::chrono::seconds(5), [this] {
      transport()->write("IDLE\r\n");
      transport()->lose_connection();
    });
  }
  DelayedCall idle_;
  bool lost_ = false;
};

TEST(ScriptedTransport, PlaysAWholeConversation) {
  fakes::FakeContext context;
  ScriptedTransport transport(context);
  transport.expect_write("HELLO\r\n")
      .deliver("PING\r\n")
      .expect_write("PONG\r\n")
      .deliver("QUIT\r\n")
      .expect_write("BYE\r\n")
      .expect_close();
  Greeter greeter;
  transport.run(greeter);
  EXPECT_FALSE(transport.failed());
  EXPECT_EQ(transport.remaining(), 0u);
  EXPECT_THAT(greeter.events, ElementsAre("data", "data", "close requested", "lost: done"));
  ASSERT_TRUE(transport.lost_reason().has_value());
  EXPECT_TRUE(transport.lost_reason()->is(errc::connection_done));
}

TEST(ScriptedTransport, OneExpectedWriteMayComeInPiecesAndOneWriteMayCoverSeveral) {
  ScriptedTransport transport;
  transport.expect_write("HEL")
      .expect_write("LO\r\n")
      .deliver("BOTH\r\n")
      .expect_write("ONE\r\n")
      .expect_write("TWO\r\n")
      .deliver("PING\r\n")
      .expect_write("PONG\r\n");
  Greeter greeter;
  transport.run(greeter);
  EXPECT_FALSE(transport.failed());
}

TEST(ScriptedTransport, AdvanceRunsTheProtocolsTimers) {
  fakes::FakeContext context;
  ScriptedTransport transport(context);
  transport.expect_write("HELLO\r\n")
      .advance(context.clock(), std::chrono::seconds(4))
      .deliver("PING\r\n")
      .expect_write("PONG\r\n")
      .advance(std::chrono::seconds(5))
      .expect_write("IDLE\r\n")
      .expect_close();
  Greeter greeter;
  transport.run(greeter);
  EXPECT_FALSE(transport.failed());
  EXPECT_THAT(greeter.events, ElementsAre("data", "lost: done"));
}

TEST(ScriptedTransport, ThePeerMayEndTheConnection) {
  ScriptedTransport transport;
  transport.expect_write("HELLO\r\n").peer_reset();
  Greeter greeter;
  transport.run(greeter);
  EXPECT_FALSE(transport.failed());
  EXPECT_THAT(greeter.events, ElementsAre("lost: other"));
  EXPECT_TRUE(transport.lost_reason()->is(errc::connection_lost));
}

TEST(ScriptedTransport, FailsAtOnceOnAWriteThatDiffersShowingBothEscaped) {
  Greeter greeter;
  auto play = [&] {
    ScriptedTransport transport;
    transport.expect_write("HALLO\r\n").deliver("PING\r\n").expect_write("PONG\r\n");
    transport.run(greeter);
    EXPECT_EQ(transport.remaining(), 3u);  // it played nothing more after the failure
  };
  EXPECT_NONFATAL_FAILURE(play(),
                          "ScriptedTransport: step 1 of 3, expect_write(\"HALLO\\r\\n\"): the "
                          "protocol wrote \"HELLO\\r\\n\"\n"
                          "  expected: \"HALLO\\r\\n\"\n"
                          "  actual:   \"HELLO\\r\\n\"\n"
                          "  first difference at byte 1");
  // The connection is ended for the protocol, not left hanging.
  EXPECT_THAT(greeter.events, ElementsAre("lost: aborted"));
}

TEST(ScriptedTransport, ShowsWhatWasAlreadyMatchedOfAWriteThatGoesWrong) {
  auto play = [] {
    ScriptedTransport transport;
    transport.expect_write("HELLO\r\n").deliver("PING\r\n").expect_write("POX\r\n");
    Greeter greeter;
    transport.run(greeter);
  };
  EXPECT_NONFATAL_FAILURE(play(),
                          "step 3 of 3, expect_write(\"POX\\r\\n\"): the protocol wrote "
                          "\"NG\\r\\n\"\n"
                          "  expected: \"POX\\r\\n\"\n"
                          "  actual:   \"PONG\\r\\n\"\n"
                          "  first difference at byte 2");
}

TEST(ScriptedTransport, FailsOnAWriteWhereTheScriptHasAMoveOfTheTests) {
  auto play = [] {
    ScriptedTransport transport;
    transport.deliver("PING\r\n").expect_write("PONG\r\n");
    Greeter greeter;
    transport.run(greeter);
  };
  EXPECT_NONFATAL_FAILURE(
      play(), "step 1 of 2, deliver(\"PING\\r\\n\"): unexpected write(\"HELLO\\r\\n\")");
}

TEST(ScriptedTransport, FailsWhenAMoveComesUpWhileTheProtocolOwesAStep) {
  auto play = [] {
    ScriptedTransport transport;
    transport.expect_write("HELLO\r\nMORE").deliver("PING\r\n");
    Greeter greeter;
    transport.run(greeter);
  };
  EXPECT_NONFATAL_FAILURE(play(),
                          "step 1 of 2, expect_write(\"HELLO\\r\\nMORE\"): not done by the "
                          "protocol before step 2 of 2, deliver(\"PING\\r\\n\"); it wrote only "
                          "\"HELLO\\r\\n\"");
}

TEST(ScriptedTransport, FailsAtTheEndOnLeftoverSteps) {
  auto play = [] {
    ScriptedTransport transport;
    transport.expect_write("HELLO\r\n").deliver("PING\r\n").expect_write("PONG\r\n").expect_close();
    Greeter greeter;
    transport.run(greeter);
  };
  EXPECT_NONFATAL_FAILURE(play(),
                          "ScriptedTransport: the script ended with 1 step(s) left over\n"
                          "  step 4 of 4, expect_close()");
}

TEST(ScriptedTransport, FailsOnACloseTheScriptDoesNotExpect) {
  auto play = [] {
    ScriptedTransport transport;
    transport.expect_write("HELLO\r\n")
        .deliver("QUIT\r\n")
        .expect_write("BYE\r\n")
        .expect_write("AND MORE\r\n");
    Greeter greeter;
    transport.run(greeter);
  };
  EXPECT_NONFATAL_FAILURE(play(),
                          "step 4 of 4, expect_write(\"AND MORE\\r\\n\"): unexpected "
                          "lose_connection()");
}

TEST(ScriptedTransport, FailsOnAWriteAfterTheEndOfTheScript) {
  auto play = [] {
    ScriptedTransport transport;
    transport.expect_write("HELLO\r\n").deliver("PING\r\n");
    Greeter greeter;
    transport.run(greeter);
  };
  EXPECT_NONFATAL_FAILURE(play(), "after the end of the script: unexpected write(\"PO\")");
}

TEST(ScriptedTransport, FailsWhenDestroyedWithAScriptNeverRun) {
  auto play = [] {
    ScriptedTransport transport;
    transport.expect_write("HELLO\r\n");
  };
  EXPECT_NONFATAL_FAILURE(play(), "destroyed with 1 step(s) never played: run() was not called");
}

TEST(ScriptedTransport, ConnectionLostComesAfterTheMoveNotInsideTheCloseRequest) {
  ScriptedTransport transport;
  transport.expect_write("HELLO\r\n").deliver("QUIT\r\n").expect_write("BYE\r\n").expect_close();
  Greeter greeter;
  transport.run(greeter);
  EXPECT_THAT(greeter.events, ElementsAre("data", "close requested", "lost: done"));
}

TEST(EscapeBytes, EscapesWhatIsNotPrintableAscii) {
  EXPECT_EQ(escape_bytes(std::string("a\r\n\t\\\"\x01\xff\0z", 10)),
            "a\\r\\n\\t\\\\\\\"\\x01\\xff\\x00z");
}

}  // namespace
}  // namespace kit::testing
