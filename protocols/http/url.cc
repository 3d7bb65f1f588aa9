#include "protocols/http/url.h"

#include <cctype>

namespace kit::http {
namespace {

[[noreturn]] void bad(std::string_view text, const std::string& why, bool unsupported = false) {
  throw UrlError("cannot request \"" + std::string(text) + "\": " + why, unsupported);
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::uint16_t default_port(std::string_view scheme) noexcept {
  return scheme == "https" ? 443 : 80;
}

std::string Url::authority() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != default_port(scheme)) out += ":" + std::to_string(port);
  return out;
}

Url parse_url(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) bad(text, "a space, control or non-ASCII byte");
  }
  Url url;
  const std::size_t colon = text.find("://");
  if (colon == std::string_view::npos) bad(text, "no scheme (http://...)");
  std::string scheme;
  for (char c : text.substr(0, colon)) scheme += lower(c);
  if (scheme != "http" && scheme != "https") bad(text, "the scheme is not http or https");
  url.scheme = scheme;
  url.port = default_port(scheme);
  std::string_view rest = text.substr(colon + 3);
  const std::size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  std::string_view path = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (authority.find('@') != std::string_view::npos) {
    bad(text, "user information in the URL is not supported");
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) bad(text, "an unclosed [ in the host");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') bad(text, "bytes after the bracketed host");
      port = after.substr(1);
    }
    for (char c : host) {
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') {
        bad(text, "the bracketed host is not an IPv6 address");
      }
    }
  } else if (const std::size_t at = authority.rfind(':'); at != std::string_view::npos) {
    host = authority.substr(0, at);
    port = authority.substr(at + 1);
  }
  if (host.empty()) bad(text, "no host");
  for (char c : host) {
    if (c == '[' || c == ']' || (c == ':' && authority.front() != '[')) bad(text, "a bad host");
    url.host += lower(c);
  }
  if (!port.empty()) {  // "http://h:/" (an empty port) means the default (RFC 3986 3.2.3)
    unsigned long n = 0;
    for (char c : port) {
      if (c < '0' || c > '9') bad(text, "the port is not a number");
      n = n * 10 + static_cast<unsigned long>(c - '0');
      if (n > 65535) bad(text, "the port is over 65535");
    }
    if (n == 0) bad(text, "port 0");
    url.port = static_cast<std::uint16_t>(n);
  }
  const std::size_t hash = path.find('#');
  path = path.substr(0, hash);
  if (path.empty()) {
    url.target = "/";
  } else if (path.front() == '?') {
    url.target = "/" + std::string(path);
  } else {
    url.target = std::string(path);
  }
  return url;
}

}  // namespace kit::http
