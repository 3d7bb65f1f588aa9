// Agent on a MemoryReactor: connections made by hand, answered through their
// StringTransports; the pool's reuse, limit, idle expiry, stale-connection retry and
// cancellation (http-client-cases.md: nothing left in the pool after a cancel; back in
// the pool only when both sides were complete and neither said close).
#include "protocols/http/agent.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "fakes/memory_reactor.h"
#include "protocols/http/read_body.h"
#include "testing/deferred_assertions.h"
#include "testing/scripted_protocol.h"

namespace kit::http {
namespace {

using namespace std::chrono_literals;
using kit::testing::assert_no_result;
using kit::testing::failure_result_of;
using kit::testing::success_result_of;
using ::testing::HasSubstr;

const char ok_a[] = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na";

class AgentTest : public ::testing::Test {
 protected:
  // The transport of connection attempt `i`, completed now.
  fakes::StringTransport& complete(std::size_t i) {
    fakes::StringTransport* t = reactor_.connects().at(i).complete();
    EXPECT_NE(t, nullptr);
    return *t;
  }
  std::string body_of(const Deferred<Response>& d) {
    return success_result_of(read_body(success_result_of(d)));
  }

  fakes::MemoryReactor reactor_;
  Agent agent_{reactor_};
};

TEST_F(AgentTest, ConnectsToTheUrlsHostAndPortAndSendsTheRequest) {
  auto d = agent_.request("GET", "http://example.com:8080/a?b=1", {{"Accept", "*/*"}});
  ASSERT_EQ(reactor_.connects().size(), 1u);
  EXPECT_EQ(reactor_.connects()[0].endpoint().host, "example.com");
  EXPECT_EQ(reactor_.connects()[0].endpoint().port, 8080);
  fakes::StringTransport& t = complete(0);
  EXPECT_EQ(t.take(),
            "GET /a?b=1 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: protokit\r\n"
            "Accept: */*\r\n\r\n");
  assert_no_result(d);
  t.receive(ok_a);
  EXPECT_EQ(body_of(d), "a");
  EXPECT_EQ(agent_.idle_connections("example.com", 8080), 1u);
}

TEST_F(AgentTest, HttpsConnectsThroughAnSslEndpointAndPoolsApartFromHttp) {
  auto d = agent_.request("GET", "https://example.com/x");
  ASSERT_EQ(reactor_.connects().size(), 1u);
  EXPECT_EQ(reactor_.connects()[0].endpoint().kind, Endpoint::Kind::ssl);
  EXPECT_EQ(reactor_.connects()[0].endpoint().host, "example.com");
  EXPECT_EQ(reactor_.connects()[0].endpoint().port, 443);
  fakes::StringTransport& t = complete(0);
  // 443 is https's own port: the Host field leaves it out.
  EXPECT_THAT(t.take(), HasSubstr("GET /x HTTP/1.1\r\nHost: example.com\r\n"));
  t.receive(ok_a);
  EXPECT_EQ(body_of(d), "a");
  EXPECT_EQ(agent_.idle_connections("example.com", 443, "https"), 1u);
  // The same host and port over plain http is another key: a new connection.
  auto plain = agent_.request("GET", "http://example.com:443/");
  EXPECT_EQ(reactor_.connects().size(), 2u);
  EXPECT_EQ(reactor_.connects()[1].endpoint().kind, Endpoint::Kind::tcp);
  plain.cancel();
  failure_result_of(plain);
}

TEST_F(AgentTest, SendsAStringBodyWithContentLength) {
  auto d = agent_.request("POST", "http://h/up", {}, std::string("data"));
  fakes::StringTransport& t = complete(0);
  EXPECT_THAT(t.take(), HasSubstr("Content-Length: 4\r\n\r\ndata"));
  t.receive(ok_a);
  EXPECT_EQ(body_of(d), "a");
}

TEST_F(AgentTest, ReusesAnIdleConnectionForTheSameKeyOnly) {
  auto first = agent_.request("GET", "http://h/1");
  fakes::StringTransport& t = complete(0);
  t.receive(ok_a);
  EXPECT_EQ(body_of(first), "a");
  t.take();
  auto second = agent_.request("GET", "http://h:80/2");
  EXPECT_EQ(reactor_.connects().size(), 1u);  // no new connection
  EXPECT_THAT(t.take(), HasSubstr("GET /2 HTTP/1.1"));
  EXPECT_EQ(agent_.idle_connections(), 0u);
  t.receive(ok_a);
  EXPECT_EQ(body_of(second), "a");
  auto other = agent_.request("GET", "http://h:81/");
  EXPECT_EQ(reactor_.connects().size(), 2u);
  other.cancel();
  failure_result_of(other);
}

TEST_F(AgentTest, ANextRequestSentFromTheBodysEndReusesTheConnection) {
  auto d = agent_.request("GET", "http://h/1");
  fakes::StringTransport& t = complete(0);
  std::optional<Deferred<Response>> next;
  t.receive("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n");
  (void)read_body(success_result_of(d)).add_callback([&](std::string) {
    next = agent_.request("GET", "http://h/2");
  });
  t.take();
  t.receive("a");
  ASSERT_TRUE(next);
  EXPECT_EQ(reactor_.connects().size(), 1u);
  EXPECT_THAT(t.take(), HasSubstr("GET /2 HTTP/1.1"));
  t.receive(ok_a);
  EXPECT_EQ(body_of(*next), "a");
}

TEST_F(AgentTest, BackInThePoolOnlyWhenTheBodyIsRead) {
  auto d = agent_.request("GET", "http://h/");
  fakes::StringTransport& t = complete(0);
  t.receive("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n");
  auto body = read_body(success_result_of(d));
  EXPECT_EQ(agent_.idle_connections(), 0u);
  t.receive("ab");
  EXPECT_EQ(success_result_of(body), "ab");
  EXPECT_EQ(agent_.idle_connections(), 1u);
}

TEST_F(AgentTest, ConnectionCloseIsNotPooled) {
  auto d = agent_.request("GET", "http://h/");
  fakes::StringTransport& t = complete(0);
  t.receive("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na");
  EXPECT_EQ(body_of(d), "a");
  EXPECT_EQ(agent_.idle_connections(), 0u);
  EXPECT_TRUE(t.disconnecting());
}

TEST_F(AgentTest, KeepsAtMostTheLimitOfIdleConnectionsPerKey) {
  std::vector<Deferred<Response>> requests;
  for (int i = 0; i < 3; ++i) requests.push_back(agent_.request("GET", "http://h/"));
  ASSERT_EQ(reactor_.connects().size(), 3u);
  std::vector<fakes::StringTransport*> transports;
  for (std::size_t i = 0; i < 3; ++i) transports.push_back(&complete(i));
  for (std::size_t i = 0; i < 3; ++i) {
    transports[i]->receive(ok_a);
    EXPECT_EQ(body_of(requests[i]), "a");
  }
  EXPECT_EQ(agent_.idle_connections(), 2u);
  EXPECT_FALSE(transports[0]->disconnecting());
  EXPECT_FALSE(transports[1]->disconnecting());
  EXPECT_TRUE(transports[2]->disconnecting());  // beyond max_idle_per_host
}

TEST_F(AgentTest, IdleConnectionsExpireOnTheClock) {
  auto d = agent_.request("GET", "http://h/");
  fakes::StringTransport& t = complete(0);
  t.receive(ok_a);
  EXPECT_EQ(body_of(d), "a");
  reactor_.clock().advance(239s);
  EXPECT_EQ(agent_.idle_connections(), 1u);
  reactor_.clock().advance(1s);
  EXPECT_EQ(agent_.idle_connections(), 0u);
  EXPECT_TRUE(t.disconnecting());
}

TEST_F(AgentTest, ServerClosingAnIdleConnectionTakesItOutOfThePool) {
  auto d = agent_.request("GET", "http://h/");
  fakes::StringTransport& t = complete(0);
  t.receive(ok_a);
  EXPECT_EQ(body_of(d), "a");
  t.receive_eof();
  reactor_.clock().advance(0s);
  EXPECT_EQ(agent_.idle_connections(), 0u);
  auto next = agent_.request("GET", "http://h/");
  EXPECT_EQ(reactor_.connects().size(), 2u);
  next.cancel();
  failure_result_of(next);
}

TEST_F(AgentTest, StalePooledConnectionIsRetriedOnceForAnIdempotentRequest) {
  auto first = agent_.request("GET", "http://h/");
  fakes::StringTransport& stale = complete(0);
  stale.receive(ok_a);
  EXPECT_EQ(body_of(first), "a");
  auto d = agent_.request("GET", "http://h/again");
  EXPECT_EQ(reactor_.connects().size(), 1u);
  stale.lose_from_peer(Failure(errc::connection_lost));  // it had timed out on the server
  ASSERT_EQ(reactor_.connects().size(), 2u);
  fakes::StringTransport& fresh = complete(1);
  EXPECT_THAT(fresh.take(), HasSubstr("GET /again HTTP/1.1"));
  fresh.receive(ok_a);
  EXPECT_EQ(body_of(d), "a");
}

TEST_F(AgentTest, StaleRetryHappensOnceOnly) {
  auto first = agent_.request("GET", "http://h/");
  fakes::StringTransport& stale = complete(0);
  stale.receive(ok_a);
  EXPECT_EQ(body_of(first), "a");
  auto d = agent_.request("GET", "http://h/");
  stale.receive_eof();
  fakes::StringTransport& fresh = complete(1);
  fresh.receive_eof();  // a new connection closed before answering: not retried
  Failure f = failure_result_of(d);
  EXPECT_TRUE(f.is(ParseErrorKind::closed_before_response)) << f.what();
  EXPECT_EQ(reactor_.connects().size(), 2u);
}

TEST_F(AgentTest, StaleConnectionIsNotRetriedForANonIdempotentRequest) {
  auto first = agent_.request("GET", "http://h/");
  fakes::StringTransport& stale = complete(0);
  stale.receive(ok_a);
  EXPECT_EQ(body_of(first), "a");
  auto d = agent_.request("POST", "http://h/", {}, std::string("x"));
  stale.receive_eof();
  EXPECT_TRUE(failure_result_of(d).is(ParseErrorKind::closed_before_response));
  EXPECT_EQ(reactor_.connects().size(), 1u);
}

TEST_F(AgentTest, FailedConnectionAttemptFailsTheRequest) {
  auto d = agent_.request("GET", "http://h/");
  reactor_.connects().at(0).fail(Failure(errc::connection_lost, "connection refused"));
  EXPECT_THAT(failure_result_of(d).what(), HasSubstr("connection refused"));
}

TEST_F(AgentTest, CancelWhileConnectingAbandonsTheAttempt) {
  auto d = agent_.request("GET", "http://h/");
  d.cancel();
  EXPECT_TRUE(failure_result_of(d).is(errc::cancelled));
  EXPECT_EQ(agent_.idle_connections(), 0u);
}

TEST_F(AgentTest, CancelAfterTheRequestWentOutAbortsAndLeavesNothingInThePool) {
  auto d = agent_.request("GET", "http://h/");
  fakes::StringTransport& t = complete(0);
  t.receive("HTTP/1.1 200 O");
  d.cancel();
  EXPECT_TRUE(failure_result_of(d).is(errc::cancelled));
  EXPECT_TRUE(t.aborted());
  reactor_.clock().advance(0s);
  EXPECT_EQ(agent_.idle_connections(), 0u);
}

TEST_F(AgentTest, StoppedBodyLeavesNothingInThePool) {
  auto d = agent_.request("GET", "http://h/");
  fakes::StringTransport& t = complete(0);
  t.receive("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  auto body = read_body(success_result_of(d), 2);  // too long: stopped
  reactor_.clock().advance(0s);
  EXPECT_TRUE(failure_result_of(body).is(ParseErrorKind::limit_exceeded));
  EXPECT_TRUE(t.aborted());
  EXPECT_EQ(agent_.idle_connections(), 0u);
}

TEST_F(AgentTest, CancelDuringTheBodyLeavesNothingInThePool) {
  auto d = agent_.request("GET", "http://h/");
  fakes::StringTransport& t = complete(0);
  t.receive("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  kit::testing::ScriptedProtocol consumer;
  success_result_of(d).deliver_body(consumer);
  consumer.lose_connection();  // the consumer stops the body
  reactor_.clock().advance(0s);
  ASSERT_TRUE(consumer.history().has_lost());
  EXPECT_TRUE(consumer.history().lost->is(errc::cancelled));
  EXPECT_TRUE(t.aborted());
  EXPECT_EQ(agent_.idle_connections(), 0u);
  auto next = agent_.request("GET", "http://h/");
  EXPECT_EQ(reactor_.connects().size(), 2u);  // a new connection
  next.cancel();
  failure_result_of(next);
}

TEST_F(AgentTest, BadUrlsAndRequestsFailWithoutConnecting) {
  EXPECT_TRUE(
      failure_result_of(agent_.request("GET", "ftp://h/")).is(ParseErrorKind::caller_misuse));
  EXPECT_TRUE(
      failure_result_of(agent_.request("G T", "http://h/")).is(ParseErrorKind::caller_misuse));
  EXPECT_TRUE(failure_result_of(agent_.request("GET", "http://h/", {{"X", "a\nb"}}))
                  .is(ParseErrorKind::caller_misuse));
  EXPECT_TRUE(reactor_.connects().empty());
}

TEST(AgentLifetime, DestroyingTheAgentClosesIdleConnectionsAndLaterOnesOnTheirEnd) {
  fakes::MemoryReactor reactor;
  auto agent = std::make_unique<Agent>(reactor);
  auto idle = agent->request("GET", "http://h/1");
  fakes::StringTransport* t1 = reactor.connects().at(0).complete();
  t1->receive(ok_a);
  EXPECT_EQ(success_result_of(read_body(success_result_of(idle))), "a");
  auto busy = agent->request("GET", "http://h:81/2");
  fakes::StringTransport* t2 = reactor.connects().at(1).complete();
  agent.reset();
  EXPECT_TRUE(t1->disconnecting());
  EXPECT_FALSE(t2->disconnecting());
  t2->receive(ok_a);
  EXPECT_EQ(success_result_of(read_body(success_result_of(busy))), "a");
  EXPECT_TRUE(t2->disconnecting());  // no pool to go back to
}

TEST(Idempotent, FollowsRfc9110) {
  for (const char* m : {"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"}) {
    EXPECT_TRUE(idempotent(m)) << m;
  }
  for (const char* m : {"POST", "PATCH", "CONNECT", "get"}) EXPECT_FALSE(idempotent(m)) << m;
}

}  // namespace
}  // namespace kit::http
