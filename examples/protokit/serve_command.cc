#include "examples/protokit/serve_command.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>

#include "examples/protokit/command_error.h"
#include "examples/protokit/server_protocols.h"
#include "kit/endpoint.h"
#include "kit/failure.h"
#include "kit/live/live_reactor.h"
#include "protocols/policies/connection_limit_factory.h"
#include "protocols/policies/idle_timeout_factory.h"

namespace protokit_cli {
namespace {

void ignore_stop_signals() {
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGTERM, SIG_IGN);
}

kit::Duration seconds(double s) {
  return std::chrono::duration_cast<kit::Duration>(std::chrono::duration<double>(s));
}

}  // namespace

CLI::App* add_serve_command(CLI::App& app, ServeOptions& options) {
  CLI::App* serve = app.add_subcommand("serve", "Run a server for one protocol until stopped");
  serve->add_option("protocol", options.protocol, "echo, line, reverse or upload")
      ->required()
      ->check(CLI::IsMember({"echo", "line", "reverse", "upload"}));
  serve
      ->add_option("--listen", options.listen,
                   "Endpoint to listen on (repeatable; default tcp:8000:interface=127.0.0.1)")
      ->type_name("ENDPOINT");
  serve
      ->add_option("--idle-timeout", options.idle_timeout_seconds,
                   "Close connections idle this long (0 = never)")
      ->type_name("SECONDS")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  serve
      ->add_option("--max-connections", options.max_connections,
                   "Close new connections at once beyond this many open ones")
      ->type_name("N")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve
      ->add_option("--grace", options.grace_seconds,
                   "On SIGINT/SIGTERM, let connections finish for at most this long")
      ->type_name("SECONDS")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  serve
      ->add_option("--max-line", options.max_line,
                   "Longest line accepted, without its ending (line, reverse; default 16384)")
      ->type_name("BYTES")
      ->check(CLI::PositiveNumber);
  return serve;
}

int run_serve(const ServeOptions& options) {
  if (options.protocol == "upload") {
    throw CommandError("serve upload: the PKUP/1 server is not part of this build yet");
  }
  if (options.max_line && !uses_max_line(options.protocol)) {
    throw UsageError("--max-line applies to line and reverse, not " + options.protocol);
  }

  std::vector<kit::Endpoint> endpoints;
  std::vector<std::string> texts = options.listen;
  if (texts.empty()) texts.push_back(default_listen_endpoint);
  for (const std::string& text : texts) {
    try {
      endpoints.push_back(kit::parse_server_endpoint(text));
    } catch (const kit::EndpointError& e) {
      throw UsageError(e.what());
    }
  }

  ServerProtocolSettings settings;
  if (options.max_line) settings.max_line = *options.max_line;
  std::unique_ptr<kit::Factory> protocol_factory = make_server_factory(options.protocol, settings);

  // The reactor goes first so it can be destroyed (closing whatever is left) while the
  // factories its connections refer to still exist.
  auto live = std::make_unique<kit::live::LiveReactor>();
  kit::live::LiveReactor& reactor = *live;
  // Outermost first: refuse beyond the limit, then watch idleness, then the protocol.
  std::unique_ptr<kit::protocols::IdleTimeoutFactory> idle;
  kit::Factory* served = protocol_factory.get();
  if (options.idle_timeout_seconds > 0) {
    idle = std::make_unique<kit::protocols::IdleTimeoutFactory>(
        *served, seconds(options.idle_timeout_seconds));
    served = idle.get();
  }
  kit::protocols::ConnectionLimitFactory limited(*served, options.max_connections);

  bool stopping = false;
  reactor.on_signals({SIGINT, SIGTERM}, [&](int) {
    if (stopping) {
      reactor.stop();  // a second signal: stop now
      return;
    }
    stopping = true;
    reactor.shutdown(seconds(options.grace_seconds));
  });

  std::vector<std::unique_ptr<kit::ListeningPort>> ports;
  for (const kit::Endpoint& endpoint : endpoints) {
    try {
      ports.push_back(reactor.listen(endpoint, limited));
    } catch (const kit::FailureError& e) {
      throw CommandError(e.failure().what());
    }
  }
  for (const auto& port : ports) std::printf("listening on %s\n", port->description().c_str());
  std::fflush(stdout);

  reactor.run();
  // Stopped as asked: a further signal while tearing down must not turn exit 0 into death
  // by signal. (The reactor restores the default actions as it goes, hence twice.)
  ignore_stop_signals();
  ports.clear();
  live.reset();
  ignore_stop_signals();
  return exit_ok;
}

}  // namespace protokit_cli
