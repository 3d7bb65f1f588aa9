// quick_disconnect: connects to HOST:PORT, disconnects at once, reports how it ended.
//
//   bazel run //examples/quick_disconnect -- 127.0.0.1:8000
#include <exception>
#include <iostream>

#include "examples/quick_disconnect/quick_disconnect.h"
#include "kit/live/live_reactor.h"

int main(int argc, char** argv) {
  const char* server = argc > 1 ? argv[1] : "127.0.0.1:8000";
  kit::live::LiveReactor reactor;
  examples::ReportingFactory factory(std::cout, [&] { reactor.stop(); });
  try {
    auto connector = reactor.connect(server, factory);
    reactor.run();
  } catch (const std::exception& e) {
    std::cerr << "quick_disconnect: " << e.what() << "\n";
    return 2;
  }
  return factory.failed() ? 1 : 0;
}
