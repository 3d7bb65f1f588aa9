#include "protocols/http/agent.h"

#include <deque>
#include <exception>
#include <map>
#include <utility>

#include "kit/client_factory.h"
#include "kit/connect.h"
#include "kit/delayed_call.h"
#include "kit/endpoint.h"
#include "kit/failure.h"
#include "protocols/http/headers.h"
#include "protocols/http/parse_error.h"
#include "protocols/http/url.h"

namespace kit::http {
namespace {

// The pool's key: a connection serves one scheme, host and port (an https connection is
// never handed a plain http request, nor the reverse).
std::string key_of(const Url& url) {
  return url.scheme + "://" + url.host + ":" + std::to_string(url.port);
}

}  // namespace

bool idempotent(std::string_view method) noexcept {
  for (std::string_view m : {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"}) {
    if (method == m) return true;
  }
  return false;
}

struct Agent::Pool : std::enable_shared_from_this<Agent::Pool> {
  struct Idle {
    HttpClientProtocol* client;
    DelayedCall expiry;
  };

  Pool(Reactor& r, AgentOptions o) : reactor(r), options(std::move(o)) {}

  // take: the most recently pooled idle connection for `key`, or nullptr.
  HttpClientProtocol* take(const std::string& key) {
    auto it = idle.find(key);
    while (it != idle.end() && !it->second.empty()) {
      Idle entry = std::move(it->second.back());
      it->second.pop_back();
      entry.expiry.cancel();
      if (entry.client->idle()) return entry.client;
    }
    return nullptr;
  }

  // put: `client` (of `key`) is idle again.
  void put(const std::string& key, HttpClientProtocol& client) {
    std::deque<Idle>& list = idle[key];
    if (list.size() >= options.max_idle_per_host) {
      client.transport()->lose_connection();
      return;
    }
    std::weak_ptr<Pool> weak = weak_from_this();
    HttpClientProtocol* c = &client;
    DelayedCall expiry = client.clock().call_later(options.idle_timeout, [weak, key, c] {
      auto self = weak.lock();
      if (!self) return;
      self->remove(key, c);
      c->transport()->lose_connection();
    });
    list.push_back({c, std::move(expiry)});
  }

  // remove: `client` leaves the pool (it closed, or expired).
  void remove(const std::string& key, HttpClientProtocol* client) {
    auto it = idle.find(key);
    if (it == idle.end()) return;
    for (auto e = it->second.begin(); e != it->second.end(); ++e) {
      if (e->client == client) {
        e->expiry.cancel();
        it->second.erase(e);
        break;
      }
    }
    if (it->second.empty()) idle.erase(it);
  }

  // connect: a new connection for `url`'s key, with the pool's hooks set.
  Deferred<HttpClientProtocol*> connect(const Url& url) {
    const std::string key = key_of(url);
    std::weak_ptr<Pool> weak = weak_from_this();
    ClientOptions client_options = options.client;
    auto factory =
        std::make_shared<FunctionClientFactory>([weak, key, client_options](const Address&) {
          auto client = std::make_unique<HttpClientProtocol>(client_options);
          HttpClientProtocol* c = client.get();
          client->set_on_idle([weak, key](HttpClientProtocol& idle_client) {
            if (auto self = weak.lock()) {
              self->put(key, idle_client);
            } else {
              idle_client.transport()->lose_connection();  // the agent is gone
            }
          });
          client->set_on_closed([weak, key, c](const Failure&) {
            if (auto self = weak.lock()) self->remove(key, c);
          });
          return client;
        });
    Endpoint endpoint;
    // https: the reactor puts the client behind a TLS layer verifying url.host (kit/tls).
    endpoint.kind = url.scheme == "https" ? Endpoint::Kind::ssl : Endpoint::Kind::tcp;
    endpoint.ca_certs = options.ca_file;
    endpoint.host = url.host;
    endpoint.port = url.port;
    endpoint.timeout = options.connect_timeout;
    return kit::connect<HttpClientProtocol>(reactor, endpoint, std::move(factory));
  }

  Reactor& reactor;
  AgentOptions options;
  std::map<std::string, std::deque<Idle>> idle;
};

namespace {

Failure misuse(const std::string& message) {
  return Failure(make_error_code(ParseErrorKind::caller_misuse), message);
}

// One request, retried once on a new connection when a pooled one turns out stale.
Deferred<Response> run(std::shared_ptr<Agent::Pool> pool, Url url, RequestHead head,
                       std::optional<std::string> body) {
  const std::string key = key_of(url);
  for (int attempt = 0;; ++attempt) {
    HttpClientProtocol* client = attempt == 0 ? pool->take(key) : nullptr;
    const bool pooled = client != nullptr;
    if (client == nullptr) client = co_await pool->connect(url);
    Deferred<Response> sent = body ? client->request(head, *body) : client->request(head);
    std::optional<Failure> failed;
    try {
      co_return co_await sent;
    } catch (const FailureError& e) {
      failed = e.failure();
    }
    const bool stale = failed->is(ParseErrorKind::closed_before_response);
    if (!(pooled && stale && idempotent(head.method))) failed->rethrow();
  }
}

}  // namespace

Agent::Agent(Reactor& reactor, AgentOptions options)
    : pool_(std::make_shared<Pool>(reactor, std::move(options))) {}

Agent::~Agent() { close_idle(); }

Deferred<Response> Agent::request(std::string_view method, std::string_view url_text,
                                  std::vector<Field> headers, std::optional<std::string> body) {
  Url url;
  try {
    url = parse_url(url_text);
  } catch (const UrlError& e) {
    return kit::fail<Response>(
        Failure(make_error_code(e.unsupported() ? ParseErrorKind::unsupported
                                                : ParseErrorKind::caller_misuse),
                e.what()));
  }
  RequestHead head;
  head.method = std::string(method);
  head.target = url.target;
  head.host = url.authority();
  head.user_agent = pool_->options.user_agent;
  head.fields = std::move(headers);
  try {
    RequestSerializer check(head);  // refuse a bad request before connecting for it
  } catch (const RequestError& e) {
    return kit::fail<Response>(misuse(std::string("request: ") + e.what()));
  }
  return run(pool_, std::move(url), std::move(head), std::move(body));
}

std::size_t Agent::idle_connections() const {
  std::size_t n = 0;
  for (const auto& [key, list] : pool_->idle) n += list.size();
  return n;
}

std::size_t Agent::idle_connections(std::string_view host, std::uint16_t port,
                                    std::string_view scheme) const {
  Url url;
  url.scheme = scheme;
  url.host = host;
  url.port = port;
  auto it = pool_->idle.find(key_of(url));
  return it == pool_->idle.end() ? 0 : it->second.size();
}

void Agent::close_idle() {
  auto idle = std::move(pool_->idle);
  pool_->idle.clear();
  for (auto& [key, list] : idle) {
    for (Pool::Idle& entry : list) {
      entry.expiry.cancel();
      entry.client->transport()->lose_connection();
    }
  }
}

}  // namespace kit::http
