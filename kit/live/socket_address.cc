#include "kit/live/socket_address.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>
#include <cstddef>
#include <cstring>

namespace kit::live {

bool is_tcp(const SocketEndpoint& endpoint) noexcept {
  const int family = endpoint.data()->sa_family;
  return family == AF_INET || family == AF_INET6;
}

Address to_address(const SocketEndpoint& endpoint) {
  if (is_tcp(endpoint)) {
    asio::ip::tcp::endpoint ip;
    std::memcpy(ip.data(), endpoint.data(), endpoint.size());
    ip.resize(endpoint.size());
    asio::ip::address address = ip.address();
    // An IPv4 peer of a dual-stack socket is reported as the IPv4 address it is.
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
      address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    return Address::tcp(address.to_string(), ip.port());
  }
  if (endpoint.data()->sa_family == AF_UNIX) {
    const auto* unix_address = reinterpret_cast<const sockaddr_un*>(endpoint.data());
    const std::size_t header = offsetof(sockaddr_un, sun_path);
    std::size_t length = endpoint.size() > header ? endpoint.size() - header : 0;
    // A path name is NUL-terminated within the length; an abstract name (leading NUL)
    // is not, and keeps its bytes as they are.
    if (length > 0 && unix_address->sun_path[0] != '\0') {
      length = ::strnlen(unix_address->sun_path, length);
    }
    return Address::unix_socket(std::string(unix_address->sun_path, length));
  }
  return Address();
}

SocketEndpoint tcp_endpoint(const asio::ip::address& ip, std::uint16_t port) {
  return SocketEndpoint(asio::ip::tcp::endpoint(ip, port));
}

SocketEndpoint unix_endpoint(const std::string& path, std::error_code& error) {
  error.clear();
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    error = std::make_error_code(std::errc::filename_too_long);
    return SocketEndpoint();
  }
  return SocketEndpoint(asio::local::stream_protocol::endpoint(path));
}

}  // namespace kit::live
