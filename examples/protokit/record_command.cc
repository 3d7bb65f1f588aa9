#include "examples/protokit/record_command.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

#include "examples/protokit/command_error.h"
#include "examples/protokit/relay_protocol.h"
#include "kit/client_factory.h"
#include "kit/connect.h"
#include "kit/endpoint.h"
#include "kit/factory.h"
#include "kit/live/live_reactor.h"
#include "testing/transcript/session_recorder.h"
#include "testing/transcript/transcript_writer.h"

namespace protokit_cli {

CLI::App* add_record_command(CLI::App& app, RecordOptions& options) {
  CLI::App* record = app.add_subcommand(
      "record", "A recording proxy: relay each connection to the upstream, write a transcript");
  record->add_option("--listen", options.listen, "Endpoint to listen on (repeatable)")
      ->required()
      ->type_name("ENDPOINT");
  record->add_option("--upstream", options.upstream, "The server to relay to")
      ->required()
      ->type_name("HOST:PORT");
  record->add_option("--out", options.out, "The transcript to write")
      ->required()
      ->type_name("FILE");
  return record;
}

int run_record(const RecordOptions& options) {
  std::vector<kit::Endpoint> endpoints;
  for (const std::string& text : options.listen) {
    try {
      endpoints.push_back(kit::parse_server_endpoint(text));
    } catch (const kit::EndpointError& e) {
      throw UsageError(std::string("--listen: ") + e.what());
    }
  }
  kit::Endpoint upstream;
  try {
    upstream = kit::parse_client_endpoint(options.upstream);
  } catch (const kit::EndpointError& e) {
    throw UsageError(std::string("--upstream: ") + e.what());
  }
  if (options.out.empty()) throw UsageError("--out needs a file name");

  std::unique_ptr<kit::testing::transcript::TranscriptWriter> writer;
  try {
    writer = std::make_unique<kit::testing::transcript::TranscriptWriter>(options.out);
  } catch (const std::exception& e) {
    throw CommandError(e.what());
  }

  auto live = std::make_unique<kit::live::LiveReactor>();
  kit::live::LiveReactor& reactor = *live;
  // Each accepted connection: its client end, recorded (the proxy plays the server: what
  // the client sent is the peer's, what came back from the upstream the host's), and an
  // upstream end connected for it.
  kit::FunctionFactory relays([&](const kit::Address&) {
    return RelayProtocol::accepted([&reactor, upstream](RelayProtocol& client) {
      auto factory = std::make_shared<kit::FunctionClientFactory>(
          [](const kit::Address&) { return RelayProtocol::upstream(); });
      std::weak_ptr<bool> alive = client.alive();
      RelayProtocol* client_end = &client;
      kit::connect<RelayProtocol>(reactor, upstream, factory)
          .add_callback([alive, client_end](RelayProtocol* end) {
            if (alive.expired() || !*alive.lock()) {
              end->transport()->lose_connection();  // the client left meanwhile
              return;
            }
            RelayProtocol::join(*client_end, *end);
          })
          .add_errback([alive, client_end](const kit::Failure& reason) {
            std::fprintf(stderr, "protokit: record: cannot reach the upstream: %s\n",
                         reason.what().c_str());
            if (!alive.expired() && *alive.lock()) client_end->partner_failed();
          });
    });
  });
  kit::testing::transcript::RecordingFactory recording(relays, *writer);

  bool stopping = false;
  reactor.on_signals({SIGINT, SIGTERM}, [&](int) {
    if (stopping) {
      reactor.stop();
      return;
    }
    stopping = true;
    // Connections still open are closed, and recorded as they end.
    reactor.shutdown(std::chrono::seconds(1));
  });

  std::vector<std::unique_ptr<kit::ListeningPort>> ports;
  for (const kit::Endpoint& endpoint : endpoints) {
    try {
      ports.push_back(reactor.listen(endpoint, recording));
    } catch (const kit::FailureError& e) {
      throw CommandError(e.failure().what());
    }
  }
  for (const auto& port : ports) std::printf("listening on %s\n", port->description().c_str());
  std::fflush(stdout);

  reactor.run();
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGTERM, SIG_IGN);
  ports.clear();
  live.reset();  // every connection ends here, if not before, and its end is recorded
  try {
    writer->close();  // FILE.partial renamed to FILE: complete and readable
  } catch (const std::exception& e) {
    throw CommandError(std::string("record: ") + e.what());
  }
  return exit_ok;
}

}  // namespace protokit_cli
