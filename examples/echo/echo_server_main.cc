// echo_server: every byte received is sent back (protocols/echo), until SIGINT/SIGTERM.
//
//   bazel run //examples/echo:echo_server -- tcp:8000:interface=127.0.0.1
#include <chrono>
#include <csignal>
#include <cstdio>
#include <exception>

#include "kit/factory.h"
#include "kit/live/live_reactor.h"
#include "protocols/echo/echo_protocol.h"

int main(int argc, char** argv) {
  const char* endpoint = argc > 1 ? argv[1] : "tcp:8000:interface=127.0.0.1";
  kit::live::LiveReactor reactor;
  auto factory = kit::factory_for<kit::protocols::EchoProtocol>();
  try {
    auto port = reactor.listen(endpoint, *factory);
    std::printf("listening on %s\n", port->description().c_str());
    std::fflush(stdout);
    reactor.on_signals({SIGINT, SIGTERM}, [&](int) { reactor.shutdown(std::chrono::seconds(5)); });
    reactor.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "echo_server: %s\n", e.what());
    return 1;
  }
  return 0;
}
