// Address: where one end of a connection is.
//
// A family (IPv4, IPv6, Unix domain, or a name for in-memory connections made by the
// fakes) and a socket type (a byte stream: TCP, a Unix stream socket). Addresses print the
// way `protokit` prints them in its `listening on` lines (a CLI contract):
// `tcp:127.0.0.1:8000`, `tcp:[::1]:8000`, `unix:/tmp/x.sock`.
//
// Thread safety: a value type.
#ifndef KIT_ADDRESS_H_
#define KIT_ADDRESS_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace kit {

class Address {
 public:
  // The address family: what `host()` is (an IPv4 or IPv6 number, a Unix socket path, an
  // in-memory name).
  enum class Family { none, ipv4, ipv6, unix_domain, memory };
  // How bytes travel to it: a byte stream (TCP for the IP families, a SOCK_STREAM Unix
  // socket, a memory connection). Datagrams (UDP) would be the next value.
  enum class SocketType { none, stream };

  // An empty address (Family::none, SocketType::none), as a transport reports before it
  // knows one.
  Address() = default;

  // A TCP address; `ip` is numeric, and an IPv6 one (it contains ':') gives Family::ipv6.
  static Address tcp(std::string_view ip, std::uint16_t port);
  // A Unix stream socket at `path`.
  static Address unix_socket(std::string_view path);
  // An in-memory connection's end, named `name` (the fakes' loopback).
  static Address memory(std::string_view name);

  Family family() const noexcept { return family_; }
  SocketType socket_type() const noexcept { return socket_type_; }
  bool is_ip() const noexcept { return family_ == Family::ipv4 || family_ == Family::ipv6; }
  bool is_tcp() const noexcept { return is_ip() && socket_type_ == SocketType::stream; }
  // The numeric IP for TCP, the path for a Unix socket, the name for memory.
  const std::string& host() const noexcept { return host_; }
  std::uint16_t port() const noexcept { return port_; }

  // "tcp:127.0.0.1:8000", "tcp:[::1]:8000", "unix:/tmp/x.sock", "memory:name", or "none".
  std::string to_string() const { return to_string("tcp"); }
  // The same, with `ip_scheme` naming a stream over IP instead of "tcp" (as "ssl" does for
  // TLS over TCP: "ssl:[::1]:8443"). Other families keep their own scheme.
  std::string to_string(std::string_view ip_scheme) const;

  friend bool operator==(const Address&, const Address&) = default;

 private:
  Address(Family family, SocketType socket_type, std::string_view host, std::uint16_t port)
      : family_(family), socket_type_(socket_type), host_(host), port_(port) {}

  Family family_ = Family::none;
  SocketType socket_type_ = SocketType::none;
  std::string host_;
  std::uint16_t port_ = 0;
};

}  // namespace kit

#endif  // KIT_ADDRESS_H_
