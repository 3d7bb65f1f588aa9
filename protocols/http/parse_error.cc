#include "protocols/http/parse_error.h"

#include <utility>

namespace kit::http {

std::string_view to_string(ParseErrorKind kind) noexcept {
  switch (kind) {
    case ParseErrorKind::protocol_violation:
      return "protocol_violation";
    case ParseErrorKind::limit_exceeded:
      return "limit_exceeded";
    case ParseErrorKind::unsupported:
      return "unsupported";
    case ParseErrorKind::truncated:
      return "truncated";
    case ParseErrorKind::closed_before_response:
      return "closed_before_response";
    case ParseErrorKind::caller_misuse:
      return "caller_misuse";
  }
  return "unknown";
}

ParseError::ParseError(ParseErrorKind kind, std::string rule, const std::string& message)
    : std::runtime_error(rule.empty() ? message : rule + ": " + message),
      kind_(kind),
      rule_(std::move(rule)) {}

}  // namespace kit::http
