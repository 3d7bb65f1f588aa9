// connection_tester: does HOST:PORT accept connections? Exit 0 if so, 1 if not.
//
//   bazel run //examples/connection_tester -- 127.0.0.1 8000 [--coroutine]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "examples/connection_tester/connection_tester.h"
#include "kit/live/live_reactor.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: connection_tester HOST PORT [--coroutine]\n");
    return 2;
  }
  const std::string host = argv[1];
  const auto port = static_cast<std::uint16_t>(std::atoi(argv[2]));
  const bool coroutine = argc > 3 && std::string(argv[3]) == "--coroutine";

  kit::live::LiveReactor reactor;
  int status = 1;
  kit::Deferred<void> answer = coroutine ? examples::test_connect_coroutine(reactor, host, port)
                                         : examples::test_connect(reactor, host, port);
  answer.add_callbacks(
      [&] {
        std::printf("%s:%u accepts connections\n", host.c_str(), port);
        status = 0;
        reactor.stop();
      },
      [&](const kit::Failure& reason) {
        std::printf("%s:%u: %s\n", host.c_str(), port, reason.what().c_str());
        reactor.stop();
      });
  reactor.run();
  return status;
}
