// HttpClientProtocol on the live reactor, against a small scripted HTTP server written on
// the kit and listening on a free loopback port (127.0.0.1 and ::1): chunked bodies with
// trailers, a large Content-Length body read by a consumer that pauses on every read, a
// request body, a close-delimited body and an HTTP/1.0 response, with keep-alive reuse
// counted on the server's side.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kit/client_factory.h"
#include "kit/factory.h"
#include "kit/live/live_reactor.h"
#include "protocols/http/agent.h"
#include "protocols/http/http_client_protocol.h"
#include "protocols/http/read_body.h"
#include "testing/live/live_client.h"

namespace kit::http {
namespace {

using namespace std::chrono_literals;

std::string pattern(std::size_t size) {
  std::string data(size, '\0');
  for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>((i * 131 + i / 7) & 0xff);
  return data;
}

const std::size_t big_size = 4 << 20;

// What the server saw.
struct ServerLog {
  int connections = 0;
  std::vector<std::string> requests;  // "<connection> <method> <target> <body bytes>"
};

// Answers each request by its target with fixed bytes; reads a Content-Length request
// body first. Closes after the answers that are delimited by the close.
class ScriptedHttpServer final : public Protocol {
 public:
  explicit ScriptedHttpServer(ServerLog& log) : log_(log), id_(++log.connections) {}

  void data_received(std::string_view data) override {
    buffer_.append(data);
    while (!transport()->disconnecting()) {
      const std::size_t end = buffer_.find("\r\n\r\n");
      if (end == std::string::npos) return;
      const std::string head = buffer_.substr(0, end + 4);
      std::size_t length = 0;
      if (auto at = head.find("Content-Length: "); at != std::string::npos) {
        length = std::stoul(head.substr(at + 16));
      }
      if (buffer_.size() < head.size() + length) return;
      buffer_.erase(0, head.size() + length);
      const std::string method = head.substr(0, head.find(' '));
      const std::size_t target_at = method.size() + 1;
      const std::string target = head.substr(target_at, head.find(' ', target_at) - target_at);
      log_.requests.push_back(std::to_string(id_) + " " + method + " " + target + " " +
                              std::to_string(length));
      answer(target, length);
    }
  }

 private:
  void answer(const std::string& target, std::size_t body_length) {
    Transport& t = *transport();
    if (target == "/chunked") {
      t.write(
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
          "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Checksum: 42\r\n\r\n");
    } else if (target == "/big") {
      t.write("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(big_size) + "\r\n\r\n");
      t.write(pattern(big_size));
    } else if (target == "/upload") {
      const std::string count = std::to_string(body_length);
      t.write("HTTP/1.1 201 Created\r\nContent-Length: " + std::to_string(count.size()) +
              "\r\n\r\n" + count);
    } else if (target == "/close") {
      t.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the close");
      t.lose_connection();
    } else if (target == "/http10") {
      t.write("HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nold!!");  // the client closes
    } else {
      t.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    }
  }

  ServerLog& log_;
  int id_;
  std::string buffer_;
};

// A client protocol that says when it is connected.
class ConnectedClient final : public HttpClientProtocol {
 public:
  explicit ConnectedClient(std::function<void(HttpClientProtocol&)> on_made)
      : on_made_(std::move(on_made)) {}
  void connection_made() override {
    HttpClientProtocol::connection_made();
    on_made_(*this);
  }

 private:
  std::function<void(HttpClientProtocol&)> on_made_;
};

// A consumer that pauses the connection on every read and resumes on the next turn of
// the reactor.
class SlowConsumer final : public Protocol {
 public:
  explicit SlowConsumer(Reactor& reactor) : reactor_(reactor) {}
  void data_received(std::string_view data) override {
    body_.append(data);
    ++reads_;
    transport()->pause_reading();
    reactor_.call_soon([this, alive = std::weak_ptr<int>(alive_)] {
      if (!alive.expired() && !end_) transport()->resume_reading();
    });
  }
  void connection_lost(const Failure& reason) override { end_ = reason; }

  std::string body_;
  int reads_ = 0;
  std::optional<Failure> end_;

 private:
  Reactor& reactor_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

RequestHead get(std::string target) {
  RequestHead head;
  head.target = std::move(target);
  head.host = "localhost";
  return head;
}

struct Results {
  std::string chunked_body;
  std::optional<std::string> checksum;
  int upload_code = 0;
  std::string upload_answer;
  std::string close_body;
  std::string http10_body;
  int idle = 0;
  std::optional<Failure> closed;
  bool done = false;
  std::optional<Failure> failed;
};

// One keep-alive connection: /chunked, /big (slow consumer), POST /upload, then /close.
Deferred<void> keep_alive_conversation(HttpClientProtocol& client, SlowConsumer& slow,
                                       Results& out) {
  Response chunked = co_await client.request(get("/chunked"));
  out.chunked_body = co_await read_body(chunked);
  if (auto v = chunked.trailers().get("x-checksum")) out.checksum = std::string(*v);

  Response big = co_await client.request(get("/big"));
  big.deliver_body(slow);
  // The slow consumer ends when the body does; wait for the connection to be idle again.
  while (!client.idle()) co_await client.clock().sleep(10ms);

  RequestHead post = get("/upload");
  post.method = "POST";
  Response upload = co_await client.request(post, std::string(256 * 1024, 'u'));
  out.upload_code = upload.code();
  out.upload_answer = co_await read_body(upload);

  Response close = co_await client.request(get("/close"));
  out.close_body = co_await read_body(close);
}

class HttpClientLive : public ::testing::TestWithParam<const char*> {};

TEST_P(HttpClientLive, TalksToAScriptedServerOverLoopback) {
  live::LiveReactor reactor;
  ServerLog log;
  FunctionFactory server([&](const Address&) { return std::make_unique<ScriptedHttpServer>(log); });
  auto port = reactor.listen(GetParam(), server);
  const Endpoint endpoint = kit::testing::endpoint_of(*port);

  Results out;
  SlowConsumer slow(reactor);
  std::optional<Failure> connect_failed;
  FunctionClientFactory keep_alive_factory([&](const Address&) {
    auto client = std::make_unique<ConnectedClient>([&](HttpClientProtocol& c) {
      c.set_on_idle([&](HttpClientProtocol&) { ++out.idle; });
      c.set_on_closed([&](const Failure& reason) { out.closed = reason; });
      (void)keep_alive_conversation(c, slow, out).add_both([&](Outcome<void> outcome) {
        if (outcome.has_failure()) out.failed = outcome.failure();
        out.done = true;
      });
    });
    return client;
  });
  keep_alive_factory.on_failed = [&](Connector&, const Failure& f) { connect_failed = f; };
  auto connector = reactor.connect(endpoint, keep_alive_factory);
  ASSERT_TRUE(reactor.run_until([&] { return (out.done && out.closed) || connect_failed; }, 60s));
  ASSERT_FALSE(connect_failed) << connect_failed->what();
  ASSERT_FALSE(out.failed) << out.failed->what();

  EXPECT_EQ(out.chunked_body, "hello, world");
  EXPECT_EQ(out.checksum, "42");
  ASSERT_TRUE(slow.end_);
  EXPECT_TRUE(slow.end_->is(errc::connection_done)) << slow.end_->what();
  EXPECT_EQ(slow.body_.size(), big_size);
  EXPECT_TRUE(slow.body_ == pattern(big_size)) << "the body's bytes differ";
  EXPECT_GT(slow.reads_, 1);
  EXPECT_EQ(out.upload_code, 201);
  EXPECT_EQ(out.upload_answer, std::to_string(256 * 1024));
  EXPECT_EQ(out.close_body, "until the close");
  EXPECT_EQ(out.idle, 3);  // after /chunked, /big and /upload; /close ends the connection
  EXPECT_TRUE(out.closed->is(errc::connection_done)) << out.closed->what();
  EXPECT_THAT(log.requests, ::testing::ElementsAre("1 GET /chunked 0", "1 GET /big 0",
                                                   "1 POST /upload 262144", "1 GET /close 0"));

  // HTTP/1.0: the client closes once the response is complete.
  std::optional<Failure> closed10;
  FunctionClientFactory http10_factory([&](const Address&) {
    return std::make_unique<ConnectedClient>([&](HttpClientProtocol& c) {
      c.set_on_closed([&](const Failure& reason) { closed10 = reason; });
      (void)c.request(get("/http10"))
          .add_callback([](Response r) { return read_body(r); })
          .add_callback([&](std::string body) { out.http10_body = std::move(body); });
    });
  });
  auto connector10 = reactor.connect(endpoint, http10_factory);
  ASSERT_TRUE(reactor.run_until([&] { return closed10.has_value(); }, 30s));
  EXPECT_EQ(out.http10_body, "old!!");
  EXPECT_TRUE(closed10->is(errc::connection_done)) << closed10->what();
  EXPECT_EQ(log.connections, 2);
}

// The Agent on the live reactor: requests by URL, the second and third on the pooled
// connection of the first.
Deferred<void> agent_conversation(Agent& agent, std::string base, std::vector<std::string>& out) {
  for (const char* path : {"/chunked", "/upload", "/nothing-here"}) {
    std::optional<std::string> body;
    if (std::string_view(path) == "/upload") body = "twelve bytes";
    Response r = co_await agent.request(body ? "PUT" : "GET", base + path, {}, body);
    out.push_back(std::to_string(r.code()) + " " + co_await read_body(r));
  }
}

TEST_P(HttpClientLive, AgentReusesItsPooledConnection) {
  live::LiveReactor reactor;
  ServerLog log;
  FunctionFactory server([&](const Address&) { return std::make_unique<ScriptedHttpServer>(log); });
  auto port = reactor.listen(GetParam(), server);
  const Endpoint endpoint = kit::testing::endpoint_of(*port);
  const std::string host =
      endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]" : endpoint.host;
  Agent agent(reactor);
  std::vector<std::string> answers;
  std::optional<Failure> failed;
  bool done = false;
  (void)agent_conversation(agent, "http://" + host + ":" + std::to_string(endpoint.port), answers)
      .add_both([&](Outcome<void> outcome) {
        if (outcome.has_failure()) failed = outcome.failure();
        done = true;
      });
  ASSERT_TRUE(reactor.run_until([&] { return done; }, 30s));
  ASSERT_FALSE(failed) << failed->what();
  EXPECT_THAT(answers, ::testing::ElementsAre("200 hello, world", "201 12", "404 "));
  EXPECT_THAT(log.requests, ::testing::ElementsAre("1 GET /chunked 0", "1 PUT /upload 12",
                                                   "1 GET /nothing-here 0"));
  EXPECT_EQ(agent.idle_connections(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Families, HttpClientLive,
                         ::testing::Values("tcp:0:interface=127.0.0.1", "tcp:0:interface=::1"));

}  // namespace
}  // namespace kit::http
