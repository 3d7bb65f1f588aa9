// line_server: serves NumberedLines until SIGINT or SIGTERM.
//
//   bazel run //examples/line_server -- tcp:8000:interface=127.0.0.1
//   nc 127.0.0.1 8000
#include <csignal>
#include <cstdio>
#include <exception>

#include "examples/line_server/numbered_lines.h"
#include "kit/factory.h"
#include "kit/live/live_reactor.h"

int main(int argc, char** argv) {
  const char* endpoint = argc > 1 ? argv[1] : "tcp:8000:interface=127.0.0.1";
  kit::live::LiveReactor reactor;
  auto factory = kit::factory_for<examples::NumberedLines>();
  try {
    auto port = reactor.listen(endpoint, *factory);
    std::printf("listening on %s\n", port->description().c_str());
    std::fflush(stdout);
    reactor.on_signals({SIGINT, SIGTERM}, [&](int) { reactor.shutdown(std::chrono::seconds(5)); });
    reactor.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "line_server: %s\n", e.what());
    return 1;
  }
  return 0;
}
