// echo_server: the smallest echo server on the live reactor, for the echo benchmark
// (../shared/bench/run_echo.sh), side by side with raw Asio's peers/asio_echo.cc.
//
//   echo_server --port N [--backlog N]
//
// Listens on 127.0.0.1:N in this process (exec it: the benchmark reads this PID's memory
// and CPU time) and exits 0 on SIGINT or SIGTERM. Each connection registers its own
// transport as its producer, so a client that stops reading stops the echo instead of
// growing the server's buffers.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "kit/factory.h"
#include "kit/failure.h"
#include "kit/live/live_reactor.h"
#include "kit/protocol.h"

namespace {

class Echo final : public kit::Protocol {
 public:
  void connection_made() override { transport()->register_producer(*transport()); }
  void data_received(std::string_view data) override { transport()->write(data); }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Echo server on the kit's live reactor, for benchmarks.");
  int port = 0;
  int backlog = 1024;
  app.add_option("--port", port, "TCP port on 127.0.0.1")->required()->check(CLI::Range(0, 65535));
  app.add_option("--backlog", backlog, "listen backlog")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  try {
    kit::live::LiveReactor reactor;
    kit::FunctionFactory factory([](const kit::Address&) -> std::unique_ptr<kit::Protocol> {
      return std::make_unique<Echo>();
    });
    auto listening = reactor.listen(
        "tcp:" + std::to_string(port) + ":interface=127.0.0.1:backlog=" + std::to_string(backlog),
        factory);
    reactor.on_signals({SIGINT, SIGTERM}, [&reactor](int) { reactor.stop(); });
    std::fprintf(stderr, "echo_server listening on %s\n", listening->description().c_str());
    reactor.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "echo_server: %s\n", e.what());
    return 1;
  }
  return 0;
}
