// Agent: HTTP requests by URL over pooled connections (Twisted's Agent with an
// HTTPConnectionPool).
//
//   kit::http::Agent agent(reactor);
//   agent.request("GET", "http://example.com/index.html")
//       .add_callback([](kit::http::Response r) { return kit::http::read_body(r); })
//       .add_callback([](std::string body) { ... });
//
// - request(method, url, headers, body) parses the URL (url.h), takes an idle connection
//   to the same (scheme, host, port) from the pool or connects through the reactor
//   (Reactor::connect, so MemoryReactor stands in for tests), and sends the request on it
//   with an HttpClientProtocol. The Deferred fires with the response head; its body is
//   delivered as the protocol's (Response::deliver_body, read_body).
// - Pool: a connection whose response completed and that can carry another goes back to
//   the pool of its key, most recent first; beyond options.max_idle_per_host idle ones the
//   newcomer is closed. An idle connection is closed after options.idle_timeout on its
//   connection's clock, and leaves the pool as soon as the server closes it.
// - A pooled connection the server closed before answering (ParseErrorKind::
//   closed_before_response: it timed out on the server's side while idle) is retried
//   once on a new connection when the method is idempotent (RFC 9110 9.2.2) and the body
//   is a string (it can be sent again). Any other failure is the caller's.
// - https connects through the reactor's ssl: endpoint: a TLS layer verifying the URL's
//   host against options.ca_file or the system's store (kit/tls).
// - A bad URL or request fails with caller_misuse; a failed
//   connection attempt fails with its reason; cancelling the Deferred abandons the attempt
//   or aborts the connection, which never returns to the pool.
// - Not here: limits on connections in use, redirects, proxies.
//
// The Agent may be destroyed with requests in flight: their connections close once their
// responses end instead of returning to a pool; its idle connections are closed.
//
// Thread safety: the reactor's thread only.
#ifndef KIT_PROTOCOLS_HTTP_AGENT_H_
#define KIT_PROTOCOLS_HTTP_AGENT_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kit/deferred.h"
#include "kit/reactor.h"
#include "kit/time.h"
#include "protocols/http/http_client_protocol.h"
#include "protocols/http/request_serializer.h"
#include "protocols/http/response.h"

namespace kit::http {

struct AgentOptions {
  ClientOptions client;
  // max_idle_per_host: idle connections kept per (scheme, host, port) (Twisted: 2).
  std::size_t max_idle_per_host = 2;
  // idle_timeout: how long an idle connection is kept (Twisted: 240 s).
  Duration idle_timeout = std::chrono::seconds(240);
  // connect_timeout: how long a connection attempt may take.
  Duration connect_timeout = std::chrono::seconds(30);
  std::string user_agent = "protokit";
  // ca_file: the trust roots for https (curl's --cacert); empty means the system's store.
  std::string ca_file;
};

class Agent {
 public:
  explicit Agent(Reactor& reactor, AgentOptions options = {});
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;
  ~Agent();

  // request: see above. `headers` are sent as given (no Host, Content-Length or
  // Transfer-Encoding: the agent sets those); `body`, when given, with Content-Length.
  Deferred<Response> request(std::string_view method, std::string_view url,
                             std::vector<Field> headers = {},
                             std::optional<std::string> body = std::nullopt);

  // idle_connections: connections in the pool, in all or for one key.
  std::size_t idle_connections() const;
  std::size_t idle_connections(std::string_view host, std::uint16_t port,
                               std::string_view scheme = "http") const;

  // close_idle: closes every idle connection (lose_connection).
  void close_idle();

  struct Pool;

 private:
  std::shared_ptr<Pool> pool_;
};

// idempotent: the method may be sent twice with the effect of once (RFC 9110 9.2.2).
bool idempotent(std::string_view method) noexcept;

}  // namespace kit::http

#endif  // KIT_PROTOCOLS_HTTP_AGENT_H_
