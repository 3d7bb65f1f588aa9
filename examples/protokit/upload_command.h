// `protokit upload --to HOST:PORT [--secret-file FILE] FILE[=REMOTE_PATH]...`: sends files
// to a PKUP/1 server over one connection (specs/cli.md, specs/upload.md).
#ifndef KIT_EXAMPLES_PROTOKIT_UPLOAD_COMMAND_H_
#define KIT_EXAMPLES_PROTOKIT_UPLOAD_COMMAND_H_

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace protokit_cli {

struct UploadOptions {
  std::string to;
  std::optional<std::string> secret_file;  // none: no AUTH
  std::vector<std::string> files;
  // --progress (true) or --no-progress (false); neither: bars only on a terminal.
  std::optional<bool> progress;
};

// UploadArgument: one FILE[=REMOTE_PATH] argument.
struct UploadArgument {
  std::string local;
  std::string remote;
  friend bool operator==(const UploadArgument&, const UploadArgument&) = default;
};

// parse_upload_argument: split at the first '='; without one the remote path is the
// file's base name (its last component, trailing slashes ignored). Throws UsageError for
// an empty file name or remote path.
UploadArgument parse_upload_argument(std::string_view argument);

CLI::App* add_upload_command(CLI::App& app, UploadOptions& options);

// run_upload: uploads the files in order on one connection, printing `<sha256>  <remote
// path>` for each file stored (its hash checked against the server's OK) and one
// `protokit: ` line on standard error for each file not stored. 0 when every file was
// stored; throws CommandError (exit 1) otherwise, or when it cannot connect, and
// UsageError (exit 2) for a bad --to or argument.
int run_upload(const UploadOptions& options);

}  // namespace protokit_cli

#endif  // KIT_EXAMPLES_PROTOKIT_UPLOAD_COMMAND_H_
