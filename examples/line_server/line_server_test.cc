// The same NumberedLines, served live on loopback through the Asio reactor.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "examples/line_server/numbered_lines.h"
#include "kit/client_factory.h"
#include "kit/factory.h"
#include "kit/live/live_reactor.h"

namespace examples {
namespace {

using namespace std::chrono_literals;

// A client that sends its input, then keeps everything the server says.
class Collector : public kit::Protocol {
 public:
  Collector(std::string input, std::string& received, bool& closed)
      : input_(std::move(input)), received_(received), closed_(closed) {}
  void connection_made() override { transport()->write(input_); }
  void data_received(std::string_view data) override { received_.append(data); }
  void connection_lost(const kit::Failure&) override { closed_ = true; }

 private:
  std::string input_;
  std::string& received_;
  bool& closed_;
};

TEST(LineServer, ServesNumberedLinesLive) {
  kit::live::LiveReactor reactor;
  auto factory = kit::factory_for<NumberedLines>();
  auto port = reactor.listen("tcp:0:interface=127.0.0.1", *factory);

  std::string received;
  bool closed = false;
  kit::FunctionClientFactory client([&](const kit::Address&) {
    return std::make_unique<Collector>("one\ntwo\r\nquit\n", received, closed);
  });
  auto connector =
      reactor.connect("tcp:127.0.0.1:" + std::to_string(port->address().port()), client);
  ASSERT_TRUE(reactor.run_until([&] { return closed; }, 10s));
  EXPECT_EQ(received, "welcome; type quit to leave\r\n1: one\r\n2: two\r\nbye\r\n");
}

}  // namespace
}  // namespace examples
