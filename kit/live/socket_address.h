// Conversions between the kit's Address and Asio's socket endpoints (kit/live/ only).
//
// Thread safety: pure functions.
#ifndef KIT_LIVE_SOCKET_ADDRESS_H_
#define KIT_LIVE_SOCKET_ADDRESS_H_

#include <asio/generic/stream_protocol.hpp>
#include <asio/ip/address.hpp>
#include <cstdint>
#include <string>
#include <system_error>

#include "kit/address.h"

namespace kit::live {

using SocketEndpoint = asio::generic::stream_protocol::endpoint;

// to_address: the Address of a TCP (v4, v6) or Unix socket endpoint; Address() for any
// other family.
Address to_address(const SocketEndpoint& endpoint);

// tcp_endpoint: the endpoint of `ip` (numeric, v4 or v6) and `port`.
SocketEndpoint tcp_endpoint(const asio::ip::address& ip, std::uint16_t port);

// unix_endpoint: the endpoint of the Unix socket at `path`, or an error
// (std::errc::filename_too_long) when the path does not fit a sockaddr_un.
SocketEndpoint unix_endpoint(const std::string& path, std::error_code& error);

// is_tcp: whether `endpoint` is an IPv4 or IPv6 one.
bool is_tcp(const SocketEndpoint& endpoint) noexcept;

}  // namespace kit::live

#endif  // KIT_LIVE_SOCKET_ADDRESS_H_
