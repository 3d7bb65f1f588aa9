#include "examples/protokit/replay_command.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <variant>
#include <vector>

#include "examples/protokit/command_error.h"
#include "examples/protokit/serve_command.h"
#include "examples/protokit/server_protocols.h"
#include "fakes/fake_context.h"
#include "fakes/string_transport.h"
#include "protocols/http/http_client_protocol.h"
#include "protocols/http/read_body.h"
#include "protocols/upload/memory_upload_store.h"
#include "testing/transcript/replayer.h"
#include "testing/transcript/transcript_error.h"
#include "testing/transcript/transcript_reader.h"

namespace protokit_cli {

CLI::App* add_replay_command(CLI::App& app, ReplayOptions& options) {
  CLI::App* replay = app.add_subcommand(
      "replay", "Replay a recorded session against the kit's own protocol, with no sockets");
  replay->add_option("transcript", options.transcript, "The transcript file")->required();
  std::vector<std::string> names = server_protocol_names();
  names.push_back("http");
  replay->add_option("--protocol", options.protocol, "echo, line, reverse, upload or http")
      ->required()
      ->check(CLI::IsMember(names));
  replay->add_option("--side", options.side, "server (default) or client")
      ->check(CLI::IsMember({"server", "client"}));
  replay->add_option("--body-out", options.body_out, "Client side: write the parsed body here");
  return replay;
}

namespace {

// The first session's server side, as recorded: what the server sent (in its chunks),
// whether it closed, and the method of the client's first request.
struct ServerSide {
  std::vector<std::string> chunks;
  bool closed = false;
  std::string method = "GET";
};

ServerSide read_server_side(const std::string& path) {
  using namespace kit::testing::transcript;
  TranscriptReader reader{std::filesystem::path(path)};
  ServerSide out;
  std::optional<SessionId> session;
  std::optional<Role> role;
  std::string client_bytes;
  while (std::optional<Event> event = reader.next()) {
    if (const auto* start = std::get_if<SessionStart>(&*event)) {
      if (!session) {
        session = start->session;
        role = start->role;
      }
      continue;
    }
    // The server is the host of a server-role session (as `record` writes), the peer of a
    // client-role one.
    const Side server = role == Role::client ? Side::peer : Side::host;
    if (const auto* data = std::get_if<Data>(&*event); data && data->session == session) {
      if (data->from == server) {
        out.chunks.push_back(data->bytes);
      } else {
        client_bytes += data->bytes;
      }
    } else if (const auto* close = std::get_if<Close>(&*event);
               close && close->session == session && close->by == server) {
      out.closed = true;
    }
  }
  if (!session) throw CommandError(path + ": the transcript has no session");
  // HEAD has no body: the method decides how the response is framed.
  const std::size_t space = client_bytes.find(' ');
  if (space != std::string::npos && space > 0) out.method = client_bytes.substr(0, space);
  return out;
}

// Written through a temporary name beside it and renamed, so FILE is whole or absent.
void write_whole(const std::string& path, const std::string& bytes) {
  const std::string temporary = path + ".partial";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw CommandError("cannot write " + temporary);
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    throw CommandError("cannot rename " + temporary + " to " + path + ": " + error.message());
  }
}

// The kit's HTTP client fed the server's recorded bytes: prints the status line and
// writes the body it parsed.
int replay_http_client(const ReplayOptions& options) {
  ServerSide server;
  try {
    server = read_server_side(options.transcript);
  } catch (const kit::testing::transcript::TranscriptError& e) {
    throw CommandError(options.transcript + ": " + e.what());
  } catch (const std::system_error& e) {
    throw CommandError(options.transcript + ": " + e.what());
  }
  kit::fakes::FakeContext context(/*seed=*/1);
  kit::fakes::StringTransport transport;
  transport.set_context(context);
  transport.set_clock(&context.clock());
  kit::http::HttpClientProtocol client;
  transport.connect(client);
  std::optional<std::string> status;
  std::optional<std::string> body;
  std::optional<kit::Failure> failure;
  kit::http::RequestHead head;
  head.method = server.method;
  head.host = "replay";
  client.request(head)
      .add_callback([&](kit::http::Response response) {
        status = "HTTP/" + std::to_string(response.version().major) + "." +
                 std::to_string(response.version().minor) + " " + std::to_string(response.code()) +
                 " " + response.reason();
        return kit::http::read_body(response);
      })
      .add_callback([&](std::string bytes) { body = std::move(bytes); })
      .add_errback([&](const kit::Failure& reason) { failure = reason; });
  for (const std::string& chunk : server.chunks) {
    if (!transport.connected()) break;
    transport.receive(chunk);
    context.thread_pool().run_all();
  }
  if (server.closed && transport.connected()) transport.receive_eof();
  context.clock().advance(kit::Duration::zero());
  if (status) std::printf("%s\n", status->c_str());
  std::fflush(stdout);
  if (failure) {
    throw CommandError(options.transcript + ": the HTTP client failed: " + failure->what());
  }
  if (!body) throw CommandError(options.transcript + ": the recorded response is incomplete");
  if (options.body_out) write_whole(*options.body_out, *body);
  return exit_ok;
}

}  // namespace

int run_replay(const ReplayOptions& options) {
  if (options.side == "client") {
    if (options.protocol != "http") {
      throw UsageError("--side client replays the HTTP client: use --protocol http");
    }
    return replay_http_client(options);
  }
  if (options.protocol == "http") {
    throw UsageError("--protocol http is a client: use --side client");
  }
  if (options.body_out) throw UsageError("--body-out applies to --side client");
  // The server `serve` would run with its default options; files go to memory.
  kit::upload::MemoryUploadStore store;
  ServerProtocolSettings settings;
  settings.upload_store = &store;
  settings.upload.idle_timeout = default_idle_timeout;
  ServedFactory served(options.protocol, settings, default_idle_timeout, default_line_timeout);
  const kit::testing::transcript::ReplayResult result =
      kit::testing::transcript::replay(served.factory(), options.transcript);
  if (!result.ok()) {
    std::fprintf(stderr, "protokit: %s does not replay: %s\n", options.transcript.c_str(),
                 result.message.c_str());
    return exit_failure;
  }
  std::printf("%zu session(s) replayed as recorded\n", result.sessions_played);
  return exit_ok;
}

}  // namespace protokit_cli
