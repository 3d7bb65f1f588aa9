#include "kit/endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cmath>
#include <set>
#include <vector>

namespace kit {
namespace {

struct Field {
  std::string key;  // empty for a positional field
  std::string value;
};

[[noreturn]] void fail(std::string_view text, std::string_view why) {
  throw EndpointError("bad endpoint '" + std::string(text) + "': " + std::string(why));
}

// Splits at unescaped colons; a backslash escapes the next character. Returns the raw
// pieces with escapes resolved, and for each whether it had an unescaped '='.
std::vector<std::string> split_fields(std::string_view text, std::string_view whole) {
  std::vector<std::string> fields(1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      if (i + 1 == text.size()) fail(whole, "it ends in a lone backslash");
      fields.back() += text[++i];
    } else if (c == ':') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

// Turns raw pieces into fields. A piece without '=' that follows a key=value field is
// part of that value: `interface=::1` splits into "interface=", "", "1" and is joined back.
// The key is taken up to the first '=' as written; escaped '=' is not special here because
// keys never contain one.
std::vector<Field> to_fields(const std::vector<std::string>& pieces) {
  std::vector<Field> fields;
  bool in_keyword = false;
  for (const std::string& piece : pieces) {
    std::size_t eq = piece.find('=');
    if (eq != std::string::npos) {
      fields.push_back({piece.substr(0, eq), piece.substr(eq + 1)});
      in_keyword = true;
    } else if (in_keyword) {
      fields.back().value += ":" + piece;
    } else {
      fields.push_back({"", piece});
    }
  }
  return fields;
}

std::uint16_t parse_port(std::string_view text, std::string_view value) {
  unsigned port = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), port);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || port > 65535) {
    fail(text, "port '" + std::string(value) + "' is not a number from 0 to 65535");
  }
  return static_cast<std::uint16_t>(port);
}

int parse_backlog(std::string_view text, std::string_view value) {
  int backlog = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), backlog);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || backlog < 1) {
    fail(text, "backlog '" + std::string(value) + "' is not a positive number");
  }
  return backlog;
}

unsigned parse_mode(std::string_view text, std::string_view value) {
  unsigned mode = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), mode, 8);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() || mode > 0777) {
    fail(text, "mode '" + std::string(value) + "' is not octal permission bits");
  }
  return mode;
}

std::chrono::nanoseconds parse_timeout(std::string_view text, std::string_view value) {
  double seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size() ||
      !std::isfinite(seconds) || seconds <= 0 || seconds > 1e9) {
    fail(text, "timeout '" + std::string(value) + "' is not a positive number of seconds");
  }
  return std::chrono::nanoseconds(static_cast<std::int64_t>(seconds * 1e9));
}

// parse_interface: the address to bind, which must be a numeric IPv4 or IPv6 address (an
// IPv6 one may carry a %scope); a name or a malformed address is refused here, before any
// socket, like any other bad endpoint.
std::string parse_interface(std::string_view text, std::string value) {
  if (value.empty()) fail(text, "the interface is empty");
  std::string address = value;
  const std::size_t percent = address.find('%');
  const bool scoped = percent != std::string::npos;
  if (scoped) {
    if (percent + 1 == address.size())
      fail(text, "the interface '" + value + "' has an empty scope");
    address.resize(percent);
  }
  in_addr v4{};
  in6_addr v6{};
  const bool ok = (!scoped && ::inet_pton(AF_INET, address.c_str(), &v4) == 1) ||
                  ::inet_pton(AF_INET6, address.c_str(), &v6) == 1;
  if (!ok) fail(text, "the interface '" + value + "' is not an IPv4 or IPv6 address");
  return value;
}

// Refuses an option given twice (`interface=a:interface=b`): which one was meant is a guess.
// A positional port or path counts as the option of the same meaning.
void check_once(std::string_view text, std::set<std::string>& seen, const std::string& key) {
  if (!seen.insert(key).second) fail(text, "'" + key + "' is given more than once");
}

std::string strip_brackets(std::string_view text, std::string value) {
  if (!value.empty() && value.front() == '[') {
    if (value.back() != ']') fail(text, "'" + value + "' has an unclosed '['");
    value = value.substr(1, value.size() - 2);
  }
  return value;
}

// Splits "HOST:PORT" / "[V6]:PORT" at the port's colon.
void split_host_port(std::string_view whole, std::string_view text, Endpoint& endpoint) {
  std::size_t colon;
  if (!text.empty() && text.front() == '[') {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos) fail(whole, "an IPv6 address has no closing ']'");
    if (close + 1 >= text.size() || text[close + 1] != ':') fail(whole, "no ':PORT' after ']'");
    endpoint.host = std::string(text.substr(1, close - 1));
    colon = close + 1;
  } else {
    colon = text.rfind(':');
    if (colon == std::string_view::npos) fail(whole, "expected HOST:PORT");
    endpoint.host = std::string(text.substr(0, colon));
  }
  if (endpoint.host.empty()) fail(whole, "the host is empty");
  endpoint.port = parse_port(whole, text.substr(colon + 1));
}

void require_host(std::string_view text, const Endpoint& endpoint) {
  if (endpoint.host.empty()) fail(text, "no host given");
}

Endpoint::Kind parse_kind(std::string_view text, std::string_view scheme) {
  if (scheme == "tcp") return Endpoint::Kind::tcp;
  if (scheme == "unix") return Endpoint::Kind::unix_socket;
  if (scheme == "ssl") return Endpoint::Kind::ssl;
  fail(text, "unknown kind '" + std::string(scheme) + "' (expected tcp, unix or ssl)");
}

[[noreturn]] void unknown_option(std::string_view text, const Field& field) {
  fail(text, "unknown option '" + field.key + "'");
}

}  // namespace

Endpoint parse_server_endpoint(std::string_view text) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos)
    fail(text, "expected KIND:... (tcp:PORT, unix:PATH, ssl:PORT)");
  Endpoint endpoint;
  endpoint.kind = parse_kind(text, text.substr(0, colon));
  std::vector<Field> fields = to_fields(split_fields(text.substr(colon + 1), text));

  bool have_target = false;  // the port, or the path
  std::set<std::string> seen;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const Field& field = fields[i];
    const bool unix_socket = endpoint.kind == Endpoint::Kind::unix_socket;
    if (field.key.empty() || field.key == "port" || field.key == "address") {
      check_once(text, seen, unix_socket ? "path" : "port");
    } else {
      check_once(text, seen, field.key);
    }
    if (field.key.empty()) {
      if (i != 0) fail(text, "'" + field.value + "' is not a key=value option");
      if (unix_socket) {
        endpoint.path = field.value;
      } else {
        endpoint.port = parse_port(text, field.value);
      }
      have_target = true;
    } else if (!unix_socket && field.key == "port") {
      endpoint.port = parse_port(text, field.value);
      have_target = true;
    } else if (unix_socket && field.key == "address") {
      endpoint.path = field.value;
      have_target = true;
    } else if (!unix_socket && field.key == "interface") {
      endpoint.host = parse_interface(text, strip_brackets(text, field.value));
    } else if (field.key == "backlog") {
      endpoint.backlog = parse_backlog(text, field.value);
    } else if (unix_socket && field.key == "mode") {
      endpoint.mode = parse_mode(text, field.value);
    } else if (endpoint.kind == Endpoint::Kind::ssl && field.key == "certKey") {
      endpoint.cert_key = field.value;
    } else if (endpoint.kind == Endpoint::Kind::ssl && field.key == "privateKey") {
      endpoint.private_key = field.value;
    } else {
      unknown_option(text, field);
    }
  }
  if (!have_target) {
    fail(text, endpoint.kind == Endpoint::Kind::unix_socket ? "no path given" : "no port given");
  }
  if (endpoint.kind == Endpoint::Kind::unix_socket && endpoint.path.empty()) {
    fail(text, "the path is empty");
  }
  if (endpoint.kind == Endpoint::Kind::ssl) {
    if (endpoint.private_key.empty()) fail(text, "ssl needs privateKey=FILE");
    if (endpoint.cert_key.empty()) endpoint.cert_key = endpoint.private_key;
  }
  return endpoint;
}

Endpoint parse_client_endpoint(std::string_view text) {
  Endpoint endpoint;
  std::size_t colon = text.find(':');
  std::string_view scheme = colon == std::string_view::npos ? "" : text.substr(0, colon);
  if (scheme != "tcp" && scheme != "unix" && scheme != "ssl") {
    // The plain HOST:PORT form.
    split_host_port(text, text, endpoint);
    return endpoint;
  }
  endpoint.kind = parse_kind(text, scheme);
  std::string_view rest = text.substr(colon + 1);

  if (endpoint.kind == Endpoint::Kind::unix_socket) {
    std::vector<Field> fields = to_fields(split_fields(rest, text));
    std::set<std::string> seen;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const Field& field = fields[i];
      const bool names_path = field.key.empty() || field.key == "path" || field.key == "address";
      check_once(text, seen, names_path ? "path" : field.key);
      if (field.key.empty() && i == 0) {
        endpoint.path = field.value;
      } else if (field.key == "path" || field.key == "address") {
        endpoint.path = field.value;
      } else if (field.key == "timeout") {
        endpoint.timeout = parse_timeout(text, field.value);
      } else if (field.key.empty()) {
        fail(text, "'" + field.value + "' is not a key=value option");
      } else {
        unknown_option(text, field);
      }
    }
    if (endpoint.path.empty()) fail(text, "no path given");
    return endpoint;
  }

  // tcp:/ssl: either positional HOST:PORT (IPv6 bracketed or escaped) then options, or
  // all keywords. Positional fields are the ones before the first key=value.
  std::vector<std::string> pieces = split_fields(rest, text);
  std::size_t first_option = 0;
  while (first_option < pieces.size() && pieces[first_option].find('=') == std::string::npos) {
    ++first_option;
  }
  if (first_option > 0) {
    // Re-join the positional pieces; only the last one is the port.
    if (first_option < 2) fail(text, "expected HOST:PORT");
    std::string host;
    for (std::size_t i = 0; i + 1 < first_option; ++i) host += (i ? ":" : "") + pieces[i];
    endpoint.host = strip_brackets(text, host);
    endpoint.port = parse_port(text, pieces[first_option - 1]);
    require_host(text, endpoint);
  }
  std::vector<std::string> option_pieces(pieces.begin() + first_option, pieces.end());
  bool have_port = first_option > 0;
  std::set<std::string> seen;
  if (first_option > 0) seen = {"host", "port"};
  for (const Field& field : to_fields(option_pieces)) {
    check_once(text, seen, field.key);
    if (field.key == "host") {
      endpoint.host = strip_brackets(text, field.value);
    } else if (field.key == "port") {
      endpoint.port = parse_port(text, field.value);
      have_port = true;
    } else if (field.key == "timeout") {
      endpoint.timeout = parse_timeout(text, field.value);
    } else if (endpoint.kind == Endpoint::Kind::ssl && field.key == "caCerts") {
      endpoint.ca_certs = field.value;
    } else if (endpoint.kind == Endpoint::Kind::ssl && field.key == "certKey") {
      endpoint.cert_key = field.value;
    } else if (endpoint.kind == Endpoint::Kind::ssl && field.key == "privateKey") {
      endpoint.private_key = field.value;
    } else {
      unknown_option(text, field);
    }
  }
  require_host(text, endpoint);
  if (!have_port) fail(text, "no port given");
  return endpoint;
}

namespace {

// Escapes the characters the parser treats specially.
std::string escape(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string Endpoint::to_string() const {
  std::string out;
  switch (kind) {
    case Kind::tcp:
      out = "tcp:" + std::to_string(port);
      break;
    case Kind::ssl:
      out = "ssl:" + std::to_string(port);
      break;
    case Kind::unix_socket:
      out = "unix:" + escape(path);
      break;
  }
  if (!host.empty() && kind != Kind::unix_socket) out += ":interface=" + escape(host);
  if (backlog != 1024) out += ":backlog=" + std::to_string(backlog);
  if (mode) {
    char octal[8];
    auto [end, ec] = std::to_chars(octal, octal + sizeof octal, *mode, 8);
    (void)ec;
    out += ":mode=" + std::string(octal, end);
  }
  if (!private_key.empty()) out += ":privateKey=" + escape(private_key);
  if (!cert_key.empty()) out += ":certKey=" + escape(cert_key);
  return out;
}

}  // namespace kit
