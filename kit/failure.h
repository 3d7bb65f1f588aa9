// Failure: what went wrong, as it flows through connection_lost and errbacks.
//
// A Failure holds an error code (kit::errc for the kit's own conditions, the system
// category for socket errors), a message that says what was being done, and, when it was
// made from an exception, that exception, so it can be rethrown as itself.
//
// Thread safety: a value type; distinct objects may be used from distinct threads.
#ifndef KIT_FAILURE_H_
#define KIT_FAILURE_H_

#include <exception>
#include <stdexcept>
#include <string>
#include <system_error>

namespace kit {

// The kit's own error conditions.
enum class errc {
  connection_done = 1,  // the connection was closed cleanly (lose_connection, or EOF)
  connection_lost,      // the connection was lost in a non-clean way (reset, broken pipe)
  connection_aborted,   // this side called abort_connection() (or the reactor stopped)
  timed_out,            // a kit timeout passed first (connect, idle, Deferred timeout)
  cancelled,            // the operation was cancelled
  exception,            // a C++ exception was captured; see Failure::exception()
  protocol_error,       // the peer broke the protocol
};

const std::error_category& kit_category() noexcept;
std::error_code make_error_code(errc e) noexcept;

class Failure {
 public:
  // A failure with `code`; `message` says what was being done ("connecting to x:1").
  Failure(std::error_code code, std::string message = {});
  Failure(errc code, std::string message = {});
  // A failure carrying `exception` (code errc::exception unless it is a std::system_error
  // or a FailureError, whose code is kept). The message is the exception's what().
  explicit Failure(std::exception_ptr exception);

  // Failure for the exception being handled; call only inside a catch block.
  static Failure current_exception();

  const std::error_code& code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  const std::exception_ptr& exception() const noexcept { return exception_; }

  // True when the code equals `code` (or, for an enum of another category, compares
  // equal to it the way std::error_code does).
  template <typename E>
  bool is(E code) const noexcept {
    return code_ == code;
  }

  // One line for logs and error messages: "<message>: <code's text>", or just the code's
  // text when there is no message.
  std::string what() const;

  // Throws the captured exception, or a FailureError holding this failure.
  [[noreturn]] void rethrow() const;

  friend bool operator==(const Failure& a, const Failure& b) noexcept {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  std::error_code code_;
  std::string message_;
  std::exception_ptr exception_;
};

// The exception that carries a Failure across code that throws (listen, connect, the
// coroutines of kit/deferred.h).
class FailureError : public std::system_error {
 public:
  explicit FailureError(Failure failure);
  const Failure& failure() const noexcept { return failure_; }

 private:
  Failure failure_;
};

}  // namespace kit

namespace std {
template <>
struct is_error_code_enum<kit::errc> : true_type {};
}  // namespace std

#endif  // KIT_FAILURE_H_
