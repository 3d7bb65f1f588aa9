// daytime: the time-of-day server; logs each client on standard error.
//
//   bazel run //examples/daytime -- tcp:8013:interface=127.0.0.1
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <exception>
#include <memory>

#include "examples/daytime/daytime_protocol.h"
#include "kit/factory.h"
#include "kit/live/live_reactor.h"

namespace {

std::string local_time_of_day() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
  localtime_r(&now, &parts);
  char text[64];
  std::strftime(text, sizeof text, "%A, %B %d, %Y %H:%M:%S %Z", &parts);
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  const char* endpoint = argc > 1 ? argv[1] : "tcp:8013:interface=127.0.0.1";
  kit::live::LiveReactor reactor;
  kit::FunctionFactory factory([](const kit::Address&) {
    return std::make_unique<examples::DaytimeProtocol>(local_time_of_day);
  });
  try {
    auto port = reactor.listen(endpoint, factory);
    std::printf("listening on %s\n", port->description().c_str());
    std::fflush(stdout);
    reactor.on_signals({SIGINT, SIGTERM}, [&](int) { reactor.shutdown(std::chrono::seconds(2)); });
    reactor.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "daytime: %s\n", e.what());
    return 1;
  }
  return 0;
}
