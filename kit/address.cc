#include "kit/address.h"

namespace kit {

Address Address::tcp(std::string_view ip, std::uint16_t port) {
  const Kind kind = ip.find(':') == std::string_view::npos ? Kind::tcp_v4 : Kind::tcp_v6;
  return Address(kind, ip, port);
}

Address Address::unix_socket(std::string_view path) { return Address(Kind::unix_socket, path, 0); }

Address Address::memory(std::string_view name) { return Address(Kind::memory, name, 0); }

std::string Address::to_string() const {
  switch (kind_) {
    case Kind::none:
      return "none";
    case Kind::tcp_v4:
      return "tcp:" + host_ + ":" + std::to_string(port_);
    case Kind::tcp_v6:
      return "tcp:[" + host_ + "]:" + std::to_string(port_);
    case Kind::unix_socket:
      return "unix:" + host_;
    case Kind::memory:
      return "memory:" + host_;
  }
  return "none";
}

}  // namespace kit
