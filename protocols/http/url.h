// Url: an http URL split into what a request needs (RFC 9110 4.2.1, RFC 3986).
//
//   Url url = parse_url("http://example.com:8080/a/b?q=1#frag");
//   url.host          // "example.com"
//   url.port          // 8080
//   url.target        // "/a/b?q=1" (the fragment is never sent)
//   url.authority()   // "example.com:8080", the Host field
//
// `http` and `https` (port 443 by default) are accepted, any other scheme is a bad URL.
// Also refused: user information
// (`user:pass@`; credentials do not belong in URLs), an empty host, a port that is not
// 1..65535, whitespace, control or non-ASCII bytes. An IPv6 literal is written in
// brackets (`http://[::1]:8080/`); `host` holds it without them.
//
// Thread safety: value types and pure functions.
#ifndef KIT_PROTOCOLS_HTTP_URL_H_
#define KIT_PROTOCOLS_HTTP_URL_H_

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kit::http {

// UrlError: the URL cannot be requested; unsupported() for what a later version may take.
class UrlError : public std::invalid_argument {
 public:
  UrlError(const std::string& message, bool unsupported)
      : std::invalid_argument(message), unsupported_(unsupported) {}
  bool unsupported() const noexcept { return unsupported_; }

 private:
  bool unsupported_;
};

struct Url {
  std::string scheme = "http";  // lowercase
  std::string host;             // lowercase; an IPv6 literal without brackets
  std::uint16_t port = 80;      // default_port(scheme) when the URL gives none
  std::string target = "/";     // path and query

  // authority: host (bracketed when IPv6) and ":port" unless it is the scheme's default.
  std::string authority() const;
  friend bool operator==(const Url&, const Url&) = default;
};

// parse_url: see above; throws UrlError naming the URL and what is wrong.
Url parse_url(std::string_view text);

// default_port: 443 for https, 80 for http.
std::uint16_t default_port(std::string_view scheme) noexcept;

}  // namespace kit::http

#endif  // KIT_PROTOCOLS_HTTP_URL_H_
