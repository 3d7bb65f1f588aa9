#include "examples/protokit/send_command.h"

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <optional>

#include "examples/protokit/command_error.h"
#include "examples/protokit/line_end_encoder.h"
#include "examples/protokit/stdin_pump.h"
#include "kit/client_factory.h"
#include "kit/endpoint.h"
#include "kit/failure.h"
#include "kit/live/live_reactor.h"
#include "kit/protocol.h"

namespace protokit_cli {
namespace {

// What happened to the one connection `send` makes.
struct Outcome {
  std::optional<kit::Failure> connect_failed;
  std::optional<kit::Failure> lost;
  std::string input_error;
};

// The client side: server bytes to standard output, standard input to the server, paced
// by the transport's write buffer.
class StdioRelay : public kit::Protocol, public kit::Producer {
 public:
  StdioRelay(kit::Reactor& reactor, Outcome& outcome) : reactor_(reactor), outcome_(outcome) {}

  void connection_made() override {
    transport()->register_producer(*this);
    pump_ = std::make_unique<StdinPump>(
        reactor_, STDIN_FILENO,
        [this](std::string chunk) { transport()->write(line_ends_.encode(chunk)); },
        [this](std::string error) {
          outcome_.input_error = std::move(error);
          // End of input: tell the server, then wait for it to close.
          transport()->half_close();
        });
  }

  void data_received(std::string_view data) override {
    std::fwrite(data.data(), 1, data.size(), stdout);
    std::fflush(stdout);
  }

  // The server closing ends the session (the default read_connection_lost closes too).

  void connection_lost(const kit::Failure& reason) override {
    pump_.reset();
    if (!reason.is(kit::errc::connection_done)) outcome_.lost = reason;
    reactor_.stop();
  }

  void pause_producing() override {
    if (pump_) pump_->pause();
  }
  void resume_producing() override {
    if (pump_) pump_->resume();
  }
  void stop_producing() override { pump_.reset(); }

 private:
  kit::Reactor& reactor_;
  Outcome& outcome_;
  std::unique_ptr<StdinPump> pump_;
  LineEndEncoder line_ends_;
};

}  // namespace

CLI::App* add_send_command(CLI::App& app, SendOptions& options) {
  CLI::App* send = app.add_subcommand("send", "Line-mode client: standard input to a server");
  send->add_option("destination", options.destination, "HOST:PORT, tcp:HOST:PORT or unix:PATH")
      ->required();
  return send;
}

int run_send(const SendOptions& options) {
  kit::Endpoint endpoint;
  try {
    endpoint = kit::parse_client_endpoint(options.destination);
  } catch (const kit::EndpointError& e) {
    throw UsageError(e.what());
  }

  Outcome outcome;
  kit::live::LiveReactor reactor;
  kit::FunctionClientFactory factory(
      [&](const kit::Address&) { return std::make_unique<StdioRelay>(reactor, outcome); });
  factory.on_failed = [&](kit::Connector&, const kit::Failure& reason) {
    outcome.connect_failed = reason;
    reactor.stop();
  };
  std::shared_ptr<kit::Connector> connector = reactor.connect(endpoint, factory);
  reactor.run();
  std::fflush(stdout);

  if (outcome.connect_failed) {
    // The reason names the endpoint: "connecting to tcp:127.0.0.1:8000: Connection refused".
    throw CommandError(outcome.connect_failed->what());
  }
  if (outcome.lost) throw CommandError("connection lost: " + outcome.lost->what());
  if (!outcome.input_error.empty()) throw CommandError(outcome.input_error);
  return exit_ok;
}

}  // namespace protokit_cli
