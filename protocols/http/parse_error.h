// ParseError: why an HTTP/1.1 response could not be parsed, and whose fault it was.
//
// Following h11, errors are of two sides: the peer broke (or went beyond) the protocol, or
// the local caller misused the API. kind() says which; rule() names the RFC rule that decides
// a peer error ("RFC 9112 6.3"), empty when no single rule does; what() is
// "<rule>: <message>" (or the message alone).
//
// Thread safety: a value type.
#ifndef KIT_PROTOCOLS_HTTP_PARSE_ERROR_H_
#define KIT_PROTOCOLS_HTTP_PARSE_ERROR_H_

#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace kit::http {

enum class ParseErrorKind {
  protocol_violation,      // the peer sent what RFC 9112 / RFC 9110 say a client must refuse
  limit_exceeded,          // the peer went beyond one of ParserLimits
  unsupported,             // well-formed, but not something this client implements
  truncated,               // the connection closed partway through a response
  closed_before_response,  // the connection closed before any byte of the response
  caller_misuse,           // the local caller used the parser wrongly (never the peer)
};

// to_string: the kind's name, as written above ("protocol_violation").
std::string_view to_string(ParseErrorKind kind) noexcept;

// The kinds as error codes of the "kit.http" category, so that a kit::Failure carries
// them (failure.is(ParseErrorKind::truncated)); the code's value is the kind's plus one,
// as 0 means "no error".
const std::error_category& http_category() noexcept;
std::error_code make_error_code(ParseErrorKind kind) noexcept;

class ParseError : public std::runtime_error {
 public:
  ParseError(ParseErrorKind kind, std::string rule, const std::string& message);

  ParseErrorKind kind() const noexcept { return kind_; }
  const std::string& rule() const noexcept { return rule_; }

  // peer_fault: true unless the caller misused the API.
  bool peer_fault() const noexcept { return kind_ != ParseErrorKind::caller_misuse; }

 private:
  ParseErrorKind kind_;
  std::string rule_;
};

}  // namespace kit::http

namespace std {
template <>
struct is_error_code_enum<kit::http::ParseErrorKind> : true_type {};
}  // namespace std

#endif  // KIT_PROTOCOLS_HTTP_PARSE_ERROR_H_
