// echo_client: connects, sends "hello", prints the answer and closes.
//
//   bazel run //examples/echo:echo_client -- 127.0.0.1:8000
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>

#include "examples/echo/hello_client.h"
#include "kit/client_factory.h"
#include "kit/live/live_reactor.h"

int main(int argc, char** argv) {
  const char* server = argc > 1 ? argv[1] : "127.0.0.1:8000";
  kit::live::LiveReactor reactor;
  int status = 0;
  kit::FunctionClientFactory factory(
      [](const kit::Address&) { return std::make_unique<examples::HelloClient>(std::cout); });
  factory.on_failed = [&](kit::Connector&, const kit::Failure& reason) {
    std::cerr << "echo_client: " << reason.what() << "\n";
    status = 1;
    reactor.stop();
  };
  factory.on_lost = [&](kit::Connector&, const kit::Failure&) { reactor.stop(); };
  try {
    auto connector = reactor.connect(server, factory);
    reactor.run();
  } catch (const std::exception& e) {
    std::cerr << "echo_client: " << e.what() << "\n";
    return 2;
  }
  return status;
}
