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

namespace {

class HttpCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "kit.http"; }
  std::string message(int value) const override {
    if (value < 1 || value > static_cast<int>(ParseErrorKind::caller_misuse) + 1) {
      return "unknown kit.http error " + std::to_string(value);
    }
    return std::string(to_string(static_cast<ParseErrorKind>(value - 1)));
  }
};

}  // namespace

const std::error_category& http_category() noexcept {
  static const HttpCategory category;
  return category;
}

std::error_code make_error_code(ParseErrorKind kind) noexcept {
  return {static_cast<int>(kind) + 1, http_category()};
}

ParseError::ParseError(ParseErrorKind kind, std::string rule, const std::string& message)
    : std::runtime_error(rule.empty() ? message : rule + ": " + message),
      kind_(kind),
      rule_(std::move(rule)) {}

}  // namespace kit::http
