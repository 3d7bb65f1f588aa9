// CommandError: how a protokit command reports a failure to main(), which prints
// "protokit: <message>" on standard error and exits with the status (specs/cli.md).
#ifndef KIT_EXAMPLES_PROTOKIT_COMMAND_ERROR_H_
#define KIT_EXAMPLES_PROTOKIT_COMMAND_ERROR_H_

#include <stdexcept>
#include <string>

namespace protokit_cli {

// Exit statuses shared by the commands.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;

class CommandError : public std::runtime_error {
 public:
  CommandError(std::string message, int status = exit_failure)
      : std::runtime_error(std::move(message)), status_(status) {}
  int status() const noexcept { return status_; }

 private:
  int status_;
};

// A wrong or missing option or argument: exit status 2 with a usage hint.
class UsageError : public CommandError {
 public:
  explicit UsageError(std::string message) : CommandError(std::move(message), exit_usage) {}
};

}  // namespace protokit_cli

#endif  // KIT_EXAMPLES_PROTOKIT_COMMAND_ERROR_H_
