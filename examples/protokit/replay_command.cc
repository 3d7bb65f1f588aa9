#include "examples/protokit/replay_command.h"

#include <cstdio>
#include <string>

#include "examples/protokit/command_error.h"
#include "examples/protokit/serve_command.h"
#include "examples/protokit/server_protocols.h"
#include "protocols/upload/memory_upload_store.h"
#include "testing/transcript/replayer.h"

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

int run_replay(const ReplayOptions& options) {
  if (options.side == "client") {
    throw CommandError(
        "replay --side client (the HTTP client fed a recorded response) is "
        "not part of this build yet");
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
