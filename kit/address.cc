#include "kit/address.h"

namespace kit {

Address Address::tcp(std::string_view ip, std::uint16_t port) {
  const Family family = ip.find(':') == std::string_view::npos ? Family::ipv4 : Family::ipv6;
  return Address(family, SocketType::stream, ip, port);
}

Address Address::unix_socket(std::string_view path) {
  return Address(Family::unix_domain, SocketType::stream, path, 0);
}

Address Address::memory(std::string_view name) {
  return Address(Family::memory, SocketType::stream, name, 0);
}

std::string Address::to_string(std::string_view ip_scheme) const {
  // The scheme names the socket type within the family: a stream over IP is TCP, or a
  // layer over it that the caller names.
  switch (family_) {
    case Family::none:
      return "none";
    case Family::ipv4:
      return std::string(ip_scheme) + ":" + host_ + ":" + std::to_string(port_);
    case Family::ipv6:
      return std::string(ip_scheme) + ":[" + host_ + "]:" + std::to_string(port_);
    case Family::unix_domain:
      return "unix:" + host_;
    case Family::memory:
      return "memory:" + host_;
  }
  return "none";
}

}  // namespace kit
