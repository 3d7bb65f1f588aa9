// `protokit send HOST:PORT | tcp:HOST:PORT | unix:PATH`: a line-mode client on standard
// input and output (specs/cli.md).
#ifndef KIT_EXAMPLES_PROTOKIT_SEND_COMMAND_H_
#define KIT_EXAMPLES_PROTOKIT_SEND_COMMAND_H_

#include <CLI/CLI.hpp>
#include <string>

namespace protokit_cli {

struct SendOptions {
  std::string destination;
};

CLI::App* add_send_command(CLI::App& app, SendOptions& options);

// run_send: relays standard input to the server (LF sent as CRLF) and the server's bytes
// to standard output; half-closes at end of input. 0 when the server closes the
// connection; throws CommandError when it cannot connect or the connection breaks.
int run_send(const SendOptions& options);

}  // namespace protokit_cli

#endif  // KIT_EXAMPLES_PROTOKIT_SEND_COMMAND_H_
