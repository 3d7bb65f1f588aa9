// The unit test of NumberedLines: no sockets, no threads, no sleeping.
#include "examples/line_server/numbered_lines.h"

#include <gtest/gtest.h>

#include "fakes/string_transport.h"

namespace examples {
namespace {

TEST(NumberedLines, NumbersEachLineAndSaysByeOnQuit) {
  kit::fakes::StringTransport transport;
  NumberedLines protocol;
  transport.connect(protocol);
  EXPECT_EQ(transport.take(), "welcome; type quit to leave\r\n");

  transport.receive("hello\nwor");  // one line and the start of the next
  transport.receive("ld\r\n");      // the rest, telnet-style
  EXPECT_EQ(transport.take(), "1: hello\r\n2: world\r\n");

  transport.receive("quit\nignored\n");
  EXPECT_EQ(transport.take(), "bye\r\n");
  EXPECT_TRUE(transport.disconnecting());
  ASSERT_TRUE(transport.lost_reason().has_value());
  EXPECT_TRUE(transport.lost_reason()->is(kit::errc::connection_done));
}

}  // namespace
}  // namespace examples
