// Address: where one end of a connection is.
//
// TCP over IPv4 or IPv6 (a numeric address and a port), a Unix socket path, or a name for
// in-memory connections made by the fakes. Addresses print the way `protokit` prints them
// in its `listening on` lines: `tcp:127.0.0.1:8000`, `tcp:[::1]:8000`, `unix:/tmp/x.sock`.
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
  enum class Kind { none, tcp_v4, tcp_v6, unix_socket, memory };

  // An empty address (Kind::none), as a transport reports before it knows one.
  Address() = default;

  // A TCP address; `ip` is numeric, and an IPv6 one (it contains ':') gives Kind::tcp_v6.
  static Address tcp(std::string_view ip, std::uint16_t port);
  static Address unix_socket(std::string_view path);
  static Address memory(std::string_view name);

  Kind kind() const noexcept { return kind_; }
  bool is_tcp() const noexcept { return kind_ == Kind::tcp_v4 || kind_ == Kind::tcp_v6; }
  // The numeric IP for TCP, the path for a Unix socket, the name for memory.
  const std::string& host() const noexcept { return host_; }
  std::uint16_t port() const noexcept { return port_; }

  // "tcp:127.0.0.1:8000", "tcp:[::1]:8000", "unix:/tmp/x.sock", "memory:name", or "none".
  std::string to_string() const;

  friend bool operator==(const Address&, const Address&) = default;

 private:
  Address(Kind kind, std::string_view host, std::uint16_t port)
      : kind_(kind), host_(host), port_(port) {}

  Kind kind_ = Kind::none;
  std::string host_;
  std::uint16_t port_ = 0;
};

}  // namespace kit

#endif  // KIT_ADDRESS_H_
