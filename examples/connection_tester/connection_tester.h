// The connection tester and the port scanner of the classic Twisted book, in C++.
//
// test_connect() answers "does HOST:PORT accept connections?" as a Deferred: written
// with callbacks and a ClientFactory of its own, the Twisted way. test_connect_coroutine()
// is the same written as a coroutine over kit::connect. scan_ports() tries a range of
// ports at once (DeferredList with consumed errors, a DeferredSemaphore to keep the number
// of attempts in flight bounded) and gives the open ones.
#ifndef KIT_EXAMPLES_CONNECTION_TESTER_CONNECTION_TESTER_H_
#define KIT_EXAMPLES_CONNECTION_TESTER_CONNECTION_TESTER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kit/deferred.h"
#include "kit/reactor.h"

namespace examples {

// test_connect: succeeds when HOST:PORT accepts a connection (which is then closed);
// fails with the reason otherwise (refused, unreachable, timed out).
kit::Deferred<void> test_connect(kit::Reactor& reactor, const std::string& host,
                                 std::uint16_t port);

// test_connect_coroutine: the same, as a coroutine.
kit::Deferred<void> test_connect_coroutine(kit::Reactor& reactor, std::string host,
                                           std::uint16_t port);

// scan_ports: the ports of [first, last] that accept connections, ascending; at most
// `in_flight` attempts at a time.
kit::Deferred<std::vector<std::uint16_t>> scan_ports(kit::Reactor& reactor, const std::string& host,
                                                     std::uint16_t first, std::uint16_t last,
                                                     std::size_t in_flight = 64);

}  // namespace examples

#endif  // KIT_EXAMPLES_CONNECTION_TESTER_CONNECTION_TESTER_H_
