// HttpClientProtocol on a StringTransport and a FakeContext: every step of a request and
// the client-level lines of ../shared/notes/http-client-cases.md (Lifecycle; the
// close-delimited and truncated framing lines as the client reports them).
#include "protocols/http/http_client_protocol.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fakes/fake_context.h"
#include "fakes/string_transport.h"
#include "protocols/http/read_body.h"
#include "testing/deferred_assertions.h"
#include "testing/scripted_protocol.h"

namespace kit::http {
namespace {

using namespace std::chrono_literals;
using kit::testing::assert_no_result;
using kit::testing::failure_result_of;
using kit::testing::ScriptedProtocol;
using kit::testing::success_result_of;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

RequestHead get(std::string target = "/") {
  RequestHead head;
  head.target = std::move(target);
  head.host = "example.com";
  return head;
}

RequestHead with_method(std::string method) {
  RequestHead head = get("/up");
  head.method = std::move(method);
  return head;
}

// A body producer the test drives: it writes what the test tells it to.
class TestProducer final : public BodyProducer {
 public:
  explicit TestProducer(std::optional<std::uint64_t> length, std::vector<std::string>* events)
      : length_(length), events_(events) {}
  std::optional<std::uint64_t> length() const override { return length_; }
  Deferred<void> start(BodySink& sink) override {
    sink_ = &sink;
    events_->push_back("start");
    return done_;
  }
  void pause_producing() override { events_->push_back("pause"); }
  void resume_producing() override { events_->push_back("resume"); }
  void stop_producing() override { events_->push_back("stop"); }

  BodySink* sink_ = nullptr;
  Deferred<void> done_;

 private:
  std::optional<std::uint64_t> length_;
  std::vector<std::string>* events_;
};

class HttpClientTest : public ::testing::Test {
 protected:
  HttpClientTest() {
    transport_.set_context(context_);
    transport_.set_clock(&context_.clock());
    client_.set_on_idle([this](HttpClientProtocol&) { ++idle_calls_; });
    transport_.connect(client_);
  }

  // The response head, once the Deferred fired.
  const Response& head(const Deferred<Response>& d) { return success_result_of(d); }

  fakes::FakeContext context_{1};
  fakes::StringTransport transport_;
  HttpClientProtocol client_;
  int idle_calls_ = 0;
};

// ---- a plain exchange

TEST_F(HttpClientTest, GetWritesTheRequestAndDeliversHeadThenBody) {
  auto d = client_.request(get("/index.html"));
  EXPECT_EQ(transport_.take(),
            "GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: protokit\r\n\r\n");
  EXPECT_EQ(client_.state(), HttpClientProtocol::State::busy);
  assert_no_result(d);

  transport_.receive(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nSet-Cookie: a=1\r\n"
      "set-cookie: b=2\r\nContent-Length: 5\r\n\r\nhel");
  const Response& r = head(d);
  EXPECT_EQ(r.code(), 200);
  EXPECT_EQ(r.reason(), "OK");
  EXPECT_EQ(r.version(), (HttpVersion{1, 1}));
  EXPECT_EQ(r.headers().get("content-type"), "text/plain");
  EXPECT_THAT(r.headers().get_all("SET-COOKIE"), ElementsAre("a=1", "b=2"));
  EXPECT_EQ(r.headers().size(), 4u);
  EXPECT_EQ(r.headers().fields()[2].name, "set-cookie");  // kept as received

  ScriptedProtocol consumer;
  r.deliver_body(consumer);
  EXPECT_THAT(consumer.events(), ElementsAre("made", "data:hel"));
  transport_.receive("lo");
  EXPECT_THAT(consumer.events(), ElementsAre("made", "data:hel", "data:lo", "lost:done"));
  EXPECT_EQ(client_.state(), HttpClientProtocol::State::idle);
  EXPECT_EQ(idle_calls_, 1);
  EXPECT_FALSE(transport_.disconnecting());
}

TEST_F(HttpClientTest, ReadBodyCollectsTheBody) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
  auto body = read_body(head(d));
  assert_no_result(body);
  transport_.receive("2\r\nde\r\n0\r\n\r\n");
  EXPECT_EQ(success_result_of(body), "abcde");
}

TEST_F(HttpClientTest, ReadBodyRefusesABodyOverItsLimitAndStopsIt) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123");
  auto body = read_body(head(d), 3);
  context_.clock().advance(0s);  // the abort completes on the transport's next turn
  EXPECT_TRUE(failure_result_of(body).is(ParseErrorKind::limit_exceeded));
  EXPECT_TRUE(transport_.aborted());
}

TEST_F(HttpClientTest, TrailersAreExposedOnceTheBodyIsComplete) {
  auto d = client_.request(get());
  transport_.receive(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nX-Sum: 42\r\n"
      "X-Other: y\r\n\r\n");
  const Response& r = head(d);
  EXPECT_EQ(success_result_of(read_body(r)), "x");
  EXPECT_EQ(r.trailers().get("x-sum"), "42");
  EXPECT_EQ(r.trailers().size(), 2u);
}

TEST_F(HttpClientTest, ResponsesWithoutABodyEndAtOnce) {
  for (const char* response :
       {"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", "HTTP/1.1 304 Not Modified\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}) {
    SCOPED_TRACE(response);
    auto d = client_.request(get());
    transport_.receive(response);
    ScriptedProtocol consumer;
    head(d).deliver_body(consumer);
    EXPECT_THAT(consumer.events(), ElementsAre("made", "lost:done"));
    EXPECT_TRUE(client_.idle());
  }
}

TEST_F(HttpClientTest, HeadResponseHasNoBodyDespiteContentLength) {
  auto d = client_.request(with_method("HEAD"));
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
  EXPECT_EQ(head(d).headers().get("content-length"), "1000");
  EXPECT_EQ(success_result_of(read_body(head(d))), "");
  EXPECT_TRUE(client_.idle());
}

TEST_F(HttpClientTest, InterimResponsesAreSkipped) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n\r\n");
  assert_no_result(d);
  transport_.receive("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(head(d).code(), 201);
}

TEST_F(HttpClientTest, DeliverBodyTwiceIsRefused) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  ScriptedProtocol a, b;
  head(d).deliver_body(a);
  EXPECT_THROW(head(d).deliver_body(b), std::logic_error);
  EXPECT_TRUE(failure_result_of(read_body(head(d))).is(ParseErrorKind::caller_misuse));
}

// ---- request bodies

TEST_F(HttpClientTest, StringBodyIsSentWithContentLength) {
  auto d = client_.request(with_method("POST"), "a=1&b=2");
  EXPECT_EQ(transport_.take(),
            "POST /up HTTP/1.1\r\nHost: example.com\r\nUser-Agent: protokit\r\n"
            "Content-Length: 7\r\n\r\na=1&b=2");
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(head(d).code(), 200);
}

TEST_F(HttpClientTest, EmptyStringBodyOnPostSendsContentLengthZero) {
  auto d = client_.request(with_method("POST"), "");
  EXPECT_THAT(transport_.take(), HasSubstr("Content-Length: 0\r\n\r\n"));
  d.cancel();
  EXPECT_TRUE(failure_result_of(d).is(errc::cancelled));
}

TEST_F(HttpClientTest, StreamedBodyOfKnownLength) {
  std::vector<std::string> events;
  auto producer = std::make_unique<TestProducer>(6, &events);
  TestProducer& p = *producer;
  auto d = client_.request(with_method("PUT"), std::move(producer));
  EXPECT_THAT(transport_.take(), HasSubstr("Content-Length: 6\r\n\r\n"));
  ASSERT_NE(transport_.producer(), nullptr);
  p.sink_->write("abc");
  p.sink_->write("def");
  EXPECT_EQ(transport_.take(), "abcdef");
  p.done_.callback();
  EXPECT_EQ(transport_.producer(), nullptr);
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(head(d).code(), 200);
  EXPECT_THAT(events, ElementsAre("start"));
  EXPECT_TRUE(client_.idle());
}

TEST_F(HttpClientTest, StreamedBodyOfUnknownLengthIsChunkedWithTheLastChunk) {
  std::vector<std::string> events;
  auto producer = std::make_unique<TestProducer>(std::nullopt, &events);
  TestProducer& p = *producer;
  auto d = client_.request(with_method("POST"), std::move(producer));
  EXPECT_THAT(transport_.take(), HasSubstr("Transfer-Encoding: chunked\r\n\r\n"));
  p.sink_->write("hello");
  p.sink_->write("");
  p.done_.callback();
  EXPECT_EQ(transport_.take(), "5\r\nhello\r\n0\r\n\r\n");
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(head(d).code(), 200);
}

TEST_F(HttpClientTest, StreamedBodyIsPausedAndResumedByTheWriteBuffer) {
  std::vector<std::string> events;
  auto producer = std::make_unique<TestProducer>(std::nullopt, &events);
  TestProducer& p = *producer;
  auto d = client_.request(with_method("POST"), std::move(producer));
  transport_.hold_writes(true);
  p.sink_->write(std::string(Transport::default_high_water + 1, 'x'));
  EXPECT_THAT(events, ElementsAre("start", "pause"));
  transport_.deliver_held();
  EXPECT_THAT(events, ElementsAre("start", "pause", "resume"));
  d.cancel();
  failure_result_of(d);
}

TEST_F(HttpClientTest, ProducerWritingBeyondItsLengthIsTheCallersErrorAndNothingMalformedIsSent) {
  std::vector<std::string> events;
  auto producer = std::make_unique<TestProducer>(3, &events);
  TestProducer& p = *producer;
  auto d = client_.request(with_method("PUT"), std::move(producer));
  transport_.take();
  p.sink_->write("ab");
  p.sink_->write("cd");  // one byte too many: refused whole
  Failure f = failure_result_of(d);
  EXPECT_TRUE(f.is(ParseErrorKind::caller_misuse)) << f.what();
  EXPECT_THAT(f.what(), HasSubstr("request body"));
  EXPECT_EQ(transport_.value(), "ab");
  EXPECT_TRUE(transport_.aborted());
  EXPECT_THAT(events, ElementsAre("start", "stop"));
  p.sink_ = nullptr;  // the producer is kept until the next request ends
}

TEST_F(HttpClientTest, ProducerFinishingShortOfItsLengthIsTheCallersError) {
  std::vector<std::string> events;
  auto producer = std::make_unique<TestProducer>(3, &events);
  TestProducer& p = *producer;
  auto d = client_.request(with_method("PUT"), std::move(producer));
  transport_.take();
  p.sink_->write("ab");
  p.done_.callback();
  EXPECT_TRUE(failure_result_of(d).is(ParseErrorKind::caller_misuse));
  EXPECT_EQ(transport_.value(), "ab");
  EXPECT_TRUE(transport_.aborted());
}

TEST_F(HttpClientTest, ProducerFailureFailsTheRequestAndAbortsTheConnection) {
  std::vector<std::string> events;
  auto producer = std::make_unique<TestProducer>(std::nullopt, &events);
  TestProducer& p = *producer;
  auto d = client_.request(with_method("POST"), std::move(producer));
  p.done_.errback(Failure(errc::protocol_error, "disk read failed"));
  Failure f = failure_result_of(d);
  EXPECT_THAT(f.what(), HasSubstr("the request body producer failed: disk read failed"));
  EXPECT_TRUE(transport_.aborted());
}

TEST_F(HttpClientTest, EarlyResponseStopsTheBodyIsDeliveredThenTheConnectionCloses) {
  std::vector<std::string> events;
  auto producer = std::make_unique<TestProducer>(1000, &events);
  TestProducer& p = *producer;
  auto d = client_.request(with_method("PUT"), std::move(producer));
  p.sink_->write("part of the body");
  transport_.take();
  transport_.receive("HTTP/1.1 401 Unauthorized\r\nContent-Length: 6\r\n\r\ndenied");
  EXPECT_THAT(events, ElementsAre("start", "stop"));
  EXPECT_EQ(transport_.producer(), nullptr);
  EXPECT_EQ(head(d).code(), 401);
  EXPECT_EQ(success_result_of(read_body(head(d))), "denied");
  p.sink_->write("more");  // too late: ignored
  EXPECT_EQ(transport_.value(), "");
  EXPECT_FALSE(transport_.connected());  // closed once the response was complete
  EXPECT_TRUE(transport_.lost_reason()->is(errc::connection_done));
  EXPECT_EQ(idle_calls_, 0);
  p.sink_ = nullptr;
}

TEST_F(HttpClientTest, RequestTheSerializerRefusesFailsWithNothingSent) {
  RequestHead head = get();
  head.fields.push_back({"X-Bad", "a\r\nInjected: 1"});
  auto d = client_.request(head);
  Failure f = failure_result_of(d);
  EXPECT_TRUE(f.is(ParseErrorKind::caller_misuse)) << f.what();
  EXPECT_EQ(transport_.value(), "");
  EXPECT_TRUE(client_.idle());  // the connection is still good
}

// ---- one request at a time

TEST_F(HttpClientTest, SecondRequestWhileBusyIsRefusedClearly) {
  auto first = client_.request(get());
  transport_.take();
  auto second = client_.request(get());
  Failure f = failure_result_of(second);
  EXPECT_TRUE(f.is(ParseErrorKind::caller_misuse));
  EXPECT_THAT(f.what(), HasSubstr("a request is already in flight"));
  EXPECT_EQ(transport_.value(), "");
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(head(first).code(), 200);
}

TEST_F(HttpClientTest, RequestOnALostConnectionIsRefusedClearly) {
  transport_.lose_from_peer();
  auto d = client_.request(get());
  EXPECT_THAT(failure_result_of(d).what(), HasSubstr("the connection is closed"));
}

TEST(HttpClientUnconnected, RequestBeforeTheConnectionIsMadeIsRefused) {
  HttpClientProtocol client;
  auto d = client.request(get());
  EXPECT_THAT(failure_result_of(d).what(), HasSubstr("not made yet"));
}

// ---- reuse

TEST_F(HttpClientTest, KeepAliveConnectionCarriesTheNextRequest) {
  auto first = client_.request(get("/1"));
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na");
  EXPECT_EQ(success_result_of(read_body(head(first))), "a");
  EXPECT_TRUE(client_.idle());
  transport_.take();
  auto second = client_.request(get("/2"));
  EXPECT_THAT(transport_.take(), HasSubstr("GET /2 HTTP/1.1"));
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb");
  EXPECT_EQ(success_result_of(read_body(head(second))), "b");
  EXPECT_EQ(idle_calls_, 2);
}

TEST_F(HttpClientTest, IdleComesBeforeTheConsumerHearsTheEnd) {
  auto d = client_.request(get());
  std::vector<std::string> order;
  client_.set_on_idle([&](HttpClientProtocol&) { order.push_back("idle"); });
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n");
  ScriptedProtocol consumer;
  consumer.on_lost = [&](ScriptedProtocol&, const Failure&) { order.push_back("body done"); };
  head(d).deliver_body(consumer);
  transport_.receive("ok");
  EXPECT_THAT(order, ElementsAre("idle", "body done"));
}

TEST_F(HttpClientTest, ConsumerMayStartTheNextRequestWhenTheBodyEnds) {
  auto d = client_.request(get("/1"));
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n");
  std::optional<Deferred<Response>> next;
  ScriptedProtocol consumer;
  consumer.on_lost = [&](ScriptedProtocol&, const Failure&) { next = client_.request(get("/2")); };
  head(d).deliver_body(consumer);
  transport_.take();
  transport_.receive("aHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(next);
  EXPECT_EQ(head(*next).code(), 200);
}

TEST_F(HttpClientTest, ConnectionCloseIsNotReused) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na");
  EXPECT_EQ(success_result_of(read_body(head(d))), "a");
  EXPECT_EQ(idle_calls_, 0);
  EXPECT_FALSE(transport_.connected());
  EXPECT_TRUE(failure_result_of(client_.request(get())).is(ParseErrorKind::caller_misuse));
}

TEST_F(HttpClientTest, RequestSayingConnectionCloseIsNotReused) {
  RequestHead request = get();
  request.fields.push_back({"Connection", "keep-alive, Close"});
  auto d = client_.request(request);
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na");
  EXPECT_EQ(success_result_of(read_body(head(d))), "a");
  EXPECT_EQ(idle_calls_, 0);
  EXPECT_FALSE(transport_.connected());
}

TEST_F(HttpClientTest, Http10WithoutKeepAliveIsNotReused) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\na");
  EXPECT_EQ(head(d).version(), (HttpVersion{1, 0}));
  EXPECT_EQ(success_result_of(read_body(head(d))), "a");
  EXPECT_EQ(idle_calls_, 0);
  EXPECT_FALSE(transport_.connected());
}

TEST_F(HttpClientTest, BytesWhenNoResponseIsExpectedCloseTheIdleConnection) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n");
  EXPECT_EQ(head(d).code(), 200);
  EXPECT_TRUE(transport_.aborted());
  EXPECT_EQ(client_.state(), HttpClientProtocol::State::closed);
}

TEST_F(HttpClientTest, ServerClosingAnIdleConnectionEndsIt) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  std::optional<Failure> closed;
  client_.set_on_closed([&](const Failure& f) { closed = f; });
  transport_.receive_eof();
  EXPECT_EQ(client_.state(), HttpClientProtocol::State::closed);
  ASSERT_TRUE(closed);
  EXPECT_TRUE(closed->is(errc::connection_done));
}

// ---- back-pressure

TEST_F(HttpClientTest, PausedConsumerPausesTheConnectionsReading) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n");
  ScriptedProtocol consumer;
  consumer.on_data = [](ScriptedProtocol& p, std::string_view) { p.transport()->pause_reading(); };
  head(d).deliver_body(consumer);
  transport_.receive("ab");
  EXPECT_TRUE(transport_.reading_paused());
  transport_.receive("cd");  // waits in the transport
  transport_.receive("ef");
  EXPECT_EQ(consumer.received(), "ab");
  consumer.on_data = nullptr;
  fakes::StringTransport::drive([&] { consumer.transport()->resume_reading(); });
  EXPECT_EQ(consumer.received(), "abcdef");
  EXPECT_EQ(consumer.events().back(), "lost:done");
  EXPECT_FALSE(transport_.reading_paused());
}

TEST_F(HttpClientTest, PauseInsideOneReadHoldsTheRestOfThatReadUntilResumed) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
  ScriptedProtocol consumer;
  consumer.on_data = [](ScriptedProtocol& p, std::string_view) { p.transport()->pause_reading(); };
  head(d).deliver_body(consumer);
  transport_.receive("1\r\na\r\n1\r\nb\r\n0\r\n\r\n");  // three events from one read
  EXPECT_EQ(consumer.received(), "a");
  EXPECT_THAT(consumer.events(), ElementsAre("made", "data:a"));
  // The response is complete on the wire: the connection is free, the rest is held.
  EXPECT_TRUE(client_.idle());
  EXPECT_FALSE(transport_.reading_paused());
  consumer.on_data = nullptr;
  consumer.transport()->resume_reading();
  EXPECT_THAT(consumer.events(), ElementsAre("made", "data:a", "data:b", "lost:done"));
}

TEST_F(HttpClientTest, BodyBytesBeforeDeliverBodyAreKeptAndReadingWaits) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab");
  EXPECT_TRUE(transport_.reading_paused());
  transport_.receive("cd");
  ScriptedProtocol consumer;
  fakes::StringTransport::drive([&] { head(d).deliver_body(consumer); });
  EXPECT_THAT(consumer.events(), ElementsAre("made", "data:ab", "data:cd", "lost:done"));
}

TEST_F(HttpClientTest, BodyMayBeDeliveredAfterTheConnectionIsGone) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab");
  transport_.lose_from_peer(Failure(errc::connection_lost));
  ScriptedProtocol consumer;
  head(d).deliver_body(consumer);
  EXPECT_THAT(consumer.events(), ElementsAre("made", "data:ab", "lost:lost"));
}

TEST_F(HttpClientTest, BodyTransportIsReadOnlyAndNamesTheConnection) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n");
  ScriptedProtocol consumer;
  head(d).deliver_body(consumer);
  Transport& t = *consumer.transport();
  t.write("ignored");
  EXPECT_EQ(t.peer(), transport_.peer());
  EXPECT_EQ(t.host(), transport_.host());
  EXPECT_EQ(&t.context(), &transport_.context());
  EXPECT_EQ(t.write_buffer_size(), 0u);
  EXPECT_FALSE(t.disconnecting());
  transport_.take();
  transport_.receive("x");
  EXPECT_EQ(transport_.value(), "");
  EXPECT_TRUE(t.disconnecting());
}

// ---- framing as the client reports it

TEST_F(HttpClientTest, CloseDelimitedBodyEndedByACleanCloseIsComplete) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\n\r\nall of it");
  ScriptedProtocol consumer;
  head(d).deliver_body(consumer);
  transport_.receive(" and more");
  transport_.receive_eof();
  EXPECT_EQ(consumer.received(), "all of it and more");
  EXPECT_EQ(consumer.events().back(), "lost:done");
  EXPECT_EQ(idle_calls_, 0);
}

TEST_F(HttpClientTest, CloseDelimitedBodyEndedByACloseWithoutHalfCloseIsComplete) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\n\r\nbody");
  auto body = read_body(head(d));
  transport_.lose_from_peer(Failure(errc::connection_done));
  EXPECT_EQ(success_result_of(body), "body");
}

TEST_F(HttpClientTest, CloseDelimitedBodyEndedByAResetIsAnError) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\n\r\nbody");
  auto body = read_body(head(d));
  transport_.lose_from_peer(Failure(errc::connection_lost, "connection reset by peer"));
  Failure f = failure_result_of(body);
  EXPECT_TRUE(f.is(errc::connection_lost));
  EXPECT_THAT(f.what(), HasSubstr("partway through the response"));
}

TEST_F(HttpClientTest, CloseDelimitedBodyEndedByATlsTruncationIsAnError) {
  // A TLS layer reports a close without close_notify as a failure of its own, not as a
  // clean end: whatever the code, only connection_done completes the body.
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\n\r\nbody");
  auto body = read_body(head(d));
  transport_.lose_from_peer(
      Failure(std::make_error_code(std::errc::connection_reset), "TLS: unexpected EOF"));
  EXPECT_THAT(failure_result_of(body).what(), HasSubstr("TLS: unexpected EOF"));
}

TEST_F(HttpClientTest, DeclaredLengthThenACleanCloseIsTruncated) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
  auto body = read_body(head(d));
  transport_.receive_eof();
  Failure f = failure_result_of(body);
  EXPECT_TRUE(f.is(ParseErrorKind::truncated)) << f.what();
}

TEST_F(HttpClientTest, CloseBeforeTheLastChunkIsTruncated) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab");
  auto body = read_body(head(d));
  transport_.receive_eof();
  EXPECT_TRUE(failure_result_of(body).is(ParseErrorKind::truncated));
}

TEST_F(HttpClientTest, LostBeforeAnyByteAndPartwayAreDistinctFailures) {
  {
    auto d = client_.request(get());
    transport_.receive_eof();
    Failure f = failure_result_of(d);
    EXPECT_TRUE(f.is(ParseErrorKind::closed_before_response)) << f.what();
  }
  {
    fakes::StringTransport t;
    HttpClientProtocol c;
    t.connect(c);
    auto d = c.request(get());
    t.lose_from_peer(Failure(errc::connection_lost));
    Failure f = failure_result_of(d);
    EXPECT_TRUE(f.is(ParseErrorKind::closed_before_response)) << f.what();
  }
  {
    fakes::StringTransport t;
    HttpClientProtocol c;
    t.connect(c);
    auto d = c.request(get());
    t.receive("HTTP/1.1 200 O");
    t.receive_eof();
    Failure f = failure_result_of(d);
    EXPECT_TRUE(f.is(ParseErrorKind::truncated)) << f.what();
  }
  {
    fakes::StringTransport t;
    HttpClientProtocol c;
    t.connect(c);
    auto d = c.request(get());
    t.receive("HTTP/1.1 200 OK\r\n");
    t.lose_from_peer(Failure(errc::connection_lost));
    Failure f = failure_result_of(d);
    EXPECT_TRUE(f.is(errc::connection_lost)) << f.what();
    EXPECT_THAT(f.what(), HasSubstr("partway"));
  }
}

TEST_F(HttpClientTest, MalformedResponseFailsTheRequestAndAbortsTheConnection) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
  Failure f = failure_result_of(d);
  EXPECT_TRUE(f.is(ParseErrorKind::protocol_violation)) << f.what();
  EXPECT_TRUE(transport_.aborted());
}

TEST_F(HttpClientTest, MalformedChunkFailsTheBody) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
  ScriptedProtocol consumer;
  head(d).deliver_body(consumer);
  transport_.receive("zz\r\n");
  ASSERT_TRUE(consumer.history().has_lost());
  EXPECT_TRUE(consumer.history().lost->is(ParseErrorKind::protocol_violation));
  EXPECT_TRUE(transport_.aborted());
}

TEST_F(HttpClientTest, HeaderSectionOverTheLimitFailsAndCloses) {
  ClientOptions options;
  options.limits.max_head_size = 100;
  fakes::StringTransport t;
  HttpClientProtocol c(options);
  t.connect(c);
  auto d = c.request(get());
  t.receive("HTTP/1.1 200 OK\r\nX-Long: " + std::string(200, 'a'));
  EXPECT_TRUE(failure_result_of(d).is(ParseErrorKind::limit_exceeded));
  EXPECT_TRUE(t.aborted());
}

TEST_F(HttpClientTest, ConsumerThatThrowsEndsTheRequest) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n");
  ScriptedProtocol consumer;
  consumer.on_data = [](ScriptedProtocol&, std::string_view) {
    throw std::runtime_error("consumer broke");
  };
  head(d).deliver_body(consumer);
  transport_.receive("ab");
  EXPECT_TRUE(transport_.aborted());
  ASSERT_TRUE(consumer.history().has_lost());
  EXPECT_THAT(consumer.history().lost->what(), HasSubstr("consumer broke"));
}

// ---- timeouts

TEST_F(HttpClientTest, NoResponseHeadInTimeFailsWithTimedOut) {
  auto d = client_.request(get());
  context_.clock().advance(29s);
  assert_no_result(d);
  context_.clock().advance(1s);
  Failure f = failure_result_of(d);
  EXPECT_TRUE(f.is(errc::timed_out));
  EXPECT_THAT(f.what(), HasSubstr("within 30 s (waiting for the response head)"));
  EXPECT_TRUE(transport_.aborted());
}

TEST_F(HttpClientTest, HeadTimeoutCountsFromTheLastByteOfTheHead) {
  auto d = client_.request(get());
  context_.clock().advance(20s);
  transport_.receive("HTTP/1.1 200 OK\r\n");
  context_.clock().advance(20s);
  transport_.receive("Content-Length: 0\r\n");
  context_.clock().advance(20s);
  transport_.receive("\r\n");
  EXPECT_EQ(head(d).code(), 200);
}

TEST_F(HttpClientTest, EachBodyReadHasItsTimeout) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n");
  ScriptedProtocol consumer;
  head(d).deliver_body(consumer);
  context_.clock().advance(25s);
  transport_.receive("a");
  context_.clock().advance(25s);
  transport_.receive("b");
  EXPECT_FALSE(consumer.history().has_lost());
  context_.clock().advance(30s);
  ASSERT_TRUE(consumer.history().has_lost());
  EXPECT_TRUE(consumer.history().lost->is(errc::timed_out));
  EXPECT_THAT(consumer.history().lost->what(), HasSubstr("waiting for the response body"));
  EXPECT_TRUE(transport_.aborted());
}

TEST_F(HttpClientTest, BodyTimeoutDoesNotRunWhileTheConsumerIsPausedOrAbsent) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n");
  context_.clock().advance(100s);  // no consumer yet
  ScriptedProtocol consumer;
  head(d).deliver_body(consumer);
  consumer.transport()->pause_reading();
  context_.clock().advance(100s);
  EXPECT_FALSE(consumer.history().has_lost());
  consumer.transport()->resume_reading();
  context_.clock().advance(30s);
  ASSERT_TRUE(consumer.history().has_lost());
  EXPECT_TRUE(consumer.history().lost->is(errc::timed_out));
}

TEST_F(HttpClientTest, StreamedBodyThatTheServerDoesNotTakeTimesOut) {
  std::vector<std::string> events;
  auto producer = std::make_unique<TestProducer>(std::nullopt, &events);
  TestProducer& p = *producer;
  auto d = client_.request(with_method("POST"), std::move(producer));
  transport_.hold_writes(true);
  p.sink_->write(std::string(Transport::default_high_water + 1, 'x'));  // held back: paused
  context_.clock().advance(29s);
  assert_no_result(d);
  context_.clock().advance(1s);
  Failure f = failure_result_of(d);
  EXPECT_TRUE(f.is(errc::timed_out));
  EXPECT_THAT(f.what(), HasSubstr("the server to take the request body"));
  EXPECT_THAT(events, ElementsAre("start", "pause", "stop"));
  p.sink_ = nullptr;
}

TEST_F(HttpClientTest, SlowProducerIsNotTheServersTimeout) {
  std::vector<std::string> events;
  auto producer = std::make_unique<TestProducer>(std::nullopt, &events);
  TestProducer& p = *producer;
  auto d = client_.request(with_method("POST"), std::move(producer));
  transport_.hold_writes(true);
  p.sink_->write(std::string(Transport::default_high_water + 1, 'x'));
  context_.clock().advance(20s);
  transport_.deliver_held();     // the server takes it: resumed, the wait is over
  context_.clock().advance(1h);  // the producer takes its time
  assert_no_result(d);
  p.sink_->write("end");
  p.done_.callback();
  context_.clock().advance(29s);
  assert_no_result(d);
  context_.clock().advance(1s);  // now the head is late
  EXPECT_THAT(failure_result_of(d).what(), HasSubstr("waiting for the response head"));
}

TEST(HttpClientCancel, CancelAfterTheClientIsGoneDoesNothing) {
  fakes::FakeContext context(5);
  fakes::StringTransport transport;
  transport.set_context(context);
  auto client = std::make_unique<HttpClientProtocol>();
  transport.connect(*client);
  auto d = client->request(get());
  client.reset();
  d.cancel();  // the default canceller: a cancellation, nothing touched
  EXPECT_TRUE(failure_result_of(d).is(errc::cancelled));
}

TEST_F(HttpClientTest, ZeroTimeoutsMeanNone) {
  ClientOptions options;
  options.response_timeout = Duration::zero();
  options.body_timeout = Duration::zero();
  fakes::FakeContext context(2);
  fakes::StringTransport t;
  t.set_context(context);
  HttpClientProtocol c(options);
  t.connect(c);
  auto d = c.request(get());
  context.clock().advance(24h);
  assert_no_result(d);
  t.receive("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n");
  auto body = read_body(head(d));
  context.clock().advance(24h);
  assert_no_result(body);
  t.receive("x");
  EXPECT_EQ(success_result_of(body), "x");
}

// ---- cancellation

TEST_F(HttpClientTest, CancelBeforeTheResponseAbortsAndLeavesNothingReusable) {
  auto d = client_.request(get());
  d.cancel();
  Failure f = failure_result_of(d);
  EXPECT_TRUE(f.is(errc::cancelled));
  EXPECT_TRUE(transport_.aborted());
  EXPECT_FALSE(client_.idle());
  context_.clock().advance(0s);
  EXPECT_EQ(idle_calls_, 0);
  EXPECT_EQ(client_.state(), HttpClientProtocol::State::closed);
}

TEST_F(HttpClientTest, CancelDuringTheHeadersAbortsWithACancellation) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Le");
  d.cancel();
  EXPECT_TRUE(failure_result_of(d).is(errc::cancelled));
  EXPECT_TRUE(transport_.aborted());
  EXPECT_EQ(idle_calls_, 0);
}

TEST_F(HttpClientTest, CancelAfterTheHeadDoesNothingToTheBody) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n");
  d.cancel();  // the Deferred has its result: nothing happens
  EXPECT_FALSE(transport_.aborted());
  auto body = read_body(head(d));
  transport_.receive("x");
  EXPECT_EQ(success_result_of(body), "x");
}

TEST_F(HttpClientTest, StoppingTheBodyAbortsAndTheConsumerHearsCancelledLater) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome");
  ScriptedProtocol consumer;
  head(d).deliver_body(consumer);
  consumer.lose_connection();  // from outside any callback
  EXPECT_EQ(consumer.callbacks_inside_requests(), 0u);
  EXPECT_TRUE(transport_.aborted());
  EXPECT_FALSE(consumer.history().has_lost());
  context_.clock().advance(0s);
  ASSERT_TRUE(consumer.history().has_lost());
  EXPECT_TRUE(consumer.history().lost->is(errc::cancelled));
  EXPECT_THAT(consumer.events(),
              ElementsAre("made", "data:some", "lost:the response body was stopped: cancelled"));
  EXPECT_EQ(idle_calls_, 0);
  EXPECT_EQ(client_.state(), HttpClientProtocol::State::closed);
}

TEST_F(HttpClientTest, StoppingTheBodyFromInsideDataReceivedGetsNoMoreData) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
  ScriptedProtocol consumer;
  consumer.on_data = [](ScriptedProtocol& p, std::string_view) {
    p.transport()->abort_connection();
  };
  head(d).deliver_body(consumer);
  transport_.receive("1\r\na\r\n1\r\nb\r\n0\r\n\r\n");
  EXPECT_THAT(consumer.events(),
              ElementsAre("made", "data:a", "lost:the response body was stopped: cancelled"));
  EXPECT_TRUE(transport_.aborted());
  EXPECT_EQ(idle_calls_, 0);
}

TEST_F(HttpClientTest, StoppingABodyAlreadyReadEndsItOnTheNextTurnOnly) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
  ScriptedProtocol consumer;
  consumer.on_data = [](ScriptedProtocol& p, std::string_view) { p.transport()->pause_reading(); };
  head(d).deliver_body(consumer);
  transport_.receive("1\r\na\r\n1\r\nb\r\n0\r\n\r\n");
  ASSERT_TRUE(client_.idle());  // the wire is done; "b" is held for the consumer
  consumer.lose_connection();
  EXPECT_EQ(consumer.callbacks_inside_requests(), 0u);
  EXPECT_FALSE(consumer.history().has_lost());
  context_.clock().advance(0s);
  EXPECT_THAT(consumer.events(),
              ElementsAre("made", "data:a", "lost:the response body was stopped: cancelled"));
  EXPECT_TRUE(client_.idle());  // the connection was not needed for it
}

TEST_F(HttpClientTest, NoCallbackAfterTheEnd) {
  auto d = client_.request(get());
  transport_.receive("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx");
  ScriptedProtocol consumer;
  head(d).deliver_body(consumer);
  ASSERT_EQ(consumer.events().back(), "lost:done");
  consumer.transport()->pause_reading();
  consumer.transport()->resume_reading();
  consumer.transport()->lose_connection();
  context_.clock().advance(1s);
  transport_.lose_from_peer();
  EXPECT_THAT(consumer.events(), ElementsAre("made", "data:x", "lost:done"));
}

}  // namespace
}  // namespace kit::http

namespace kit::http {
namespace {

// Found by the fuzz target: a transport that closes at once (no clock set) while the
// consumer stops the body from inside its data_received().
TEST(HttpClientEdge, StopOnATransportThatClosesAtOnceStillEndsTheBodyLater) {
  fakes::FakeContext context(3);
  fakes::StringTransport transport;
  transport.set_context(context);  // but no set_clock(): requests complete at once
  HttpClientProtocol client;
  transport.connect(client);
  auto d = client.request(get());
  transport.receive("HTTP/1.1 200 OK\r\n\r\nbody bytes");
  kit::testing::ScriptedProtocol consumer;
  consumer.on_data = [](kit::testing::ScriptedProtocol& p, std::string_view) {
    p.transport()->lose_connection();
  };
  success_result_of(d).deliver_body(consumer);
  EXPECT_FALSE(transport.connected());
  EXPECT_THAT(consumer.events(), ElementsAre("made", "data:body bytes"));
  context.clock().advance(0s);
  ASSERT_TRUE(consumer.history().has_lost());
  EXPECT_TRUE(consumer.history().lost->is(errc::cancelled));
}

// Found by the fuzz target: the client destroyed while connected, after its consumer.
TEST(HttpClientEdge, DestroyedInFlightCallsNobodyBack) {
  fakes::FakeContext context(4);
  auto transport = std::make_unique<fakes::StringTransport>();
  transport->set_context(context);
  auto client = std::make_unique<HttpClientProtocol>();
  transport->connect(*client);
  auto d = client->request(get());
  transport->receive("HTTP/1.1 200 OK\r\n\r\nbody");
  {
    kit::testing::ScriptedProtocol consumer;
    success_result_of(d).deliver_body(consumer);
    EXPECT_THAT(consumer.events(), ElementsAre("made", "data:body"));
  }
  client.reset();  // would call the destroyed consumer if it ended the body
  transport.reset();
  context.clock().advance(1s);
}

}  // namespace
}  // namespace kit::http
