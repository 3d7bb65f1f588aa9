// `protokit record --listen ENDPOINT --upstream HOST:PORT --out FILE`: a recording proxy
// (specs/cli.md): each connection accepted is relayed to the upstream server and both
// directions, with their timing, are written to FILE as a transcript.
#ifndef KIT_EXAMPLES_PROTOKIT_RECORD_COMMAND_H_
#define KIT_EXAMPLES_PROTOKIT_RECORD_COMMAND_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace protokit_cli {

struct RecordOptions {
  std::vector<std::string> listen;
  std::string upstream;
  std::string out;
};

CLI::App* add_record_command(CLI::App& app, RecordOptions& options);

// run_record: prints `listening on` lines as serve does, relays and records until SIGINT
// or SIGTERM, then closes every connection, completes FILE (written through FILE.partial
// and renamed) and returns 0.
int run_record(const RecordOptions& options);

}  // namespace protokit_cli

#endif  // KIT_EXAMPLES_PROTOKIT_RECORD_COMMAND_H_
