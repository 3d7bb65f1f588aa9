// LineProtocol against a ScriptedTransport (testing/scripted_transport.h): whole
// conversations, written as the bytes each side sends, in order.
#include <gtest/gtest.h>

#include "protocols/line/line_protocol.h"
#include "testing/scripted_transport.h"

namespace kit::protocols {
namespace {

TEST(LineProtocolScripted, AnswersEachLineThenSaysGoodbyeAndCloses) {
  testing::ScriptedTransport transport;
  transport.deliver("hello\n")
      .expect_write("You said: hello\r\n")
      .deliver("two\r\nlines\nand a ha")
      .expect_write("You said: two\r\n")
      .expect_write("You said: lines\r\n")
      .deliver("lf\nquit\n")
      .expect_write("You said: and a half\r\n")
      .expect_write("Goodbye.\r\n")
      .expect_close();
  LineProtocol protocol;
  transport.run(protocol);
  EXPECT_FALSE(transport.failed());
}

TEST(LineProtocolScripted, ALineTooLongIsRefusedAsSoonAsItIsCertain) {
  testing::ScriptedTransport transport;
  transport
      .deliver("abcd")  // 4 bytes: still within the maximum
      .deliver("e")
      .expect_write("error: line too long\r\n")
      .expect_close();
  LineProtocol protocol(/*max_line=*/4);
  transport.run(protocol);
  EXPECT_FALSE(transport.failed());
}

}  // namespace
}  // namespace kit::protocols
