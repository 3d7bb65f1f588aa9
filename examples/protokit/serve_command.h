// `protokit serve PROTOCOL [options]`: runs a server until SIGINT or SIGTERM.
#ifndef KIT_EXAMPLES_PROTOKIT_SERVE_COMMAND_H_
#define KIT_EXAMPLES_PROTOKIT_SERVE_COMMAND_H_

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kit/time.h"

namespace protokit_cli {

inline constexpr kit::Duration default_idle_timeout = std::chrono::seconds(60);

struct ServeOptions {
  std::string protocol;
  std::vector<std::string> listen;  // empty: the default endpoint
  // Checked as they are parsed (option_values.h): in range, so never an overflow later.
  kit::Duration idle_timeout = default_idle_timeout;  // zero: none
  std::size_t max_connections = 10000;
  kit::Duration grace = std::chrono::seconds(10);
  std::optional<std::size_t> max_line;
  // line and reverse: how long one line may take from its first byte (zero: no bound).
  std::optional<kit::Duration> line_timeout;
  // upload only (each refused for the other protocols when given).
  std::optional<std::string> root;         // required for upload; created if missing
  std::optional<std::uint64_t> max_size;   // default UploadServerOptions::default_max_size
  std::optional<std::string> secret_file;  // the secret: its content less one line end
  // record: every connection written to this transcript, in the process, with what the
  // protocol drew from its clock and Random (a proxy's recording cannot see those).
  std::optional<std::string> record;
  bool no_overwrite = false;
};

inline constexpr kit::Duration default_line_timeout = std::chrono::seconds(30);

inline constexpr const char* default_listen_endpoint = "tcp:8000:interface=127.0.0.1";

// add_serve_command: declares the command and its options on `app`, filling `options`.
CLI::App* add_serve_command(CLI::App& app, ServeOptions& options);

// run_serve: listens, prints the `listening on` lines, serves until stopped; the exit
// status. Throws CommandError for what specs/cli.md calls errors.
int run_serve(const ServeOptions& options);

}  // namespace protokit_cli

#endif  // KIT_EXAMPLES_PROTOKIT_SERVE_COMMAND_H_
