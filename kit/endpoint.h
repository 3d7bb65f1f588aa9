// Endpoint strings: where to listen or connect, written as text (Twisted's endpoint
// strings, as specs/cli.md lists them).
//
// Server endpoints:
//   tcp:PORT[:interface=ADDR][:backlog=N]        TCP; no interface: all (IPv6 and IPv4)
//   unix:PATH[:backlog=N][:mode=OCTAL]           Unix stream socket (address=PATH also works)
//   ssl:PORT:privateKey=KEY.pem[:certKey=CERT.pem][:interface=ADDR][:backlog=N]
// Client endpoints:
//   HOST:PORT, [IPV6]:PORT, tcp:HOST:PORT, tcp:host=HOST:port=PORT[:timeout=SECONDS],
//   unix:PATH[:timeout=SECONDS],
//   ssl:HOST:PORT[:caCerts=CA.pem][:certKey=CERT.pem:privateKey=KEY.pem][:timeout=SECONDS]
//
// `PORT` may be 0 for servers. An IPv6 address may be written plain (interface=::1),
// bracketed ([::1]) or with escaped colons (interface=\:\:1). A backslash escapes the
// next character anywhere. A server's interface must be a numeric IPv4 or IPv6 address
// (IPv6 with an optional %scope), not a name. Each option may be given once (a positional
// port or path counts as `port=` or `address=`). Anything else is an EndpointError that
// says what is wrong.
//
// Thread safety: value types and pure functions.
#ifndef KIT_ENDPOINT_H_
#define KIT_ENDPOINT_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kit {

struct Endpoint {
  enum class Kind { tcp, unix_socket, ssl };

  Kind kind = Kind::tcp;
  // Server: the interface to bind ("" for all, IPv6 and IPv4). Client: a name or address.
  std::string host;
  std::uint16_t port = 0;
  // Unix sockets: the path.
  std::string path;
  // Server: the listen backlog.
  int backlog = 1024;
  // Server, Unix sockets: the permission bits of the socket file, when given.
  std::optional<unsigned> mode;
  // TLS (ssl:): certificate and key files (PEM). A server's certKey defaults to privateKey.
  std::string cert_key;
  std::string private_key;
  std::string ca_certs;
  // Client: how long a connection attempt may take (default: 30 s, as Twisted).
  std::chrono::nanoseconds timeout = std::chrono::seconds(30);

  // The server form of this endpoint ("tcp:8000:interface=127.0.0.1"), for messages; a
  // server endpoint parses back to an equal Endpoint.
  std::string to_string() const;

  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// Thrown for an endpoint string that cannot be used; what() names the string and the fault.
class EndpointError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

Endpoint parse_server_endpoint(std::string_view text);
Endpoint parse_client_endpoint(std::string_view text);

}  // namespace kit

#endif  // KIT_ENDPOINT_H_
