// port_scanner: the ports of HOST between FIRST and LAST that accept connections.
//
//   bazel run //examples/connection_tester:port_scanner -- 127.0.0.1 8000 8100
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "examples/connection_tester/connection_tester.h"
#include "kit/live/live_reactor.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: port_scanner HOST FIRST LAST\n");
    return 2;
  }
  const std::string host = argv[1];
  const int first = std::atoi(argv[2]);
  const int last = std::atoi(argv[3]);
  if (first < 1 || last > 65535 || first > last) {
    std::fprintf(stderr, "port_scanner: ports must satisfy 1 <= FIRST <= LAST <= 65535\n");
    return 2;
  }
  kit::live::LiveReactor reactor;
  examples::scan_ports(reactor, host, static_cast<std::uint16_t>(first),
                       static_cast<std::uint16_t>(last))
      .add_callback([&](std::vector<std::uint16_t> open) {
        for (std::uint16_t port : open) std::printf("%s:%u open\n", host.c_str(), port);
        std::printf("%zu of %d ports open\n", open.size(), last - first + 1);
        reactor.stop();
      });
  reactor.run();
  return 0;
}
