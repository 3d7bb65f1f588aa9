// `protokit replay TRANSCRIPT --protocol NAME [--side server|client] [--body-out FILE]`:
// a recorded session played against the kit's own protocol, with no sockets, on a fake
// clock that follows the recorded timing (specs/cli.md).
#ifndef KIT_EXAMPLES_PROTOKIT_REPLAY_COMMAND_H_
#define KIT_EXAMPLES_PROTOKIT_REPLAY_COMMAND_H_

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace protokit_cli {

struct ReplayOptions {
  std::string transcript;
  std::string protocol;
  std::string side = "server";
  std::optional<std::string> body_out;
};

CLI::App* add_replay_command(CLI::App& app, ReplayOptions& options);

// run_replay: 0 when every server session of the transcript replays as recorded into a
// fresh server protocol built as `serve` builds it (its default options; upload on an
// in-memory store); 1 with the first difference on standard error when not.
int run_replay(const ReplayOptions& options);

}  // namespace protokit_cli

#endif  // KIT_EXAMPLES_PROTOKIT_REPLAY_COMMAND_H_
