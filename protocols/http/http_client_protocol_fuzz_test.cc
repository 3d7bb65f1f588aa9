// Fuzz target: HttpClientProtocol on a StringTransport, answered by arbitrary server bytes
// in chunks derived from the input after byte 0 (testing::fuzz_chunking). Byte 0 chooses
// the setup:
// bit 7 a HEAD request, bit 6 a clean close after the bytes, bit 5 a reset instead (when
// bit 6 is clear), bit 4 a consumer that pauses after each read (resumed after each chunk),
// bit 3 the consumer attached only after every byte came, bit 2 the body stopped after its
// first bytes, bit 1 a second request once the connection is idle, bit 0 small limits.
//
// Invariants: the consumer sees connection_made first, connection_lost once and last, and
// nothing after it; a body that completes has exactly its Content-Length (and none for
// HEAD, 204, 304); no more body bytes than the server sent; a request fails only for the
// peer's reasons (never caller_misuse), with a timeout, or a cancellation; once the
// connection is gone every request has its answer and every attached consumer its end;
// on_idle runs only while the client is idle.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/fake_context.h"
#include "fakes/string_transport.h"
#include "protocols/http/http_client_protocol.h"
#include "testing/fuzz/fuzz_check.h"
#include "testing/generators/chunking.h"

namespace {

using kit::Failure;
using kit::http::HttpClientProtocol;
using kit::http::ParseErrorKind;
using kit::http::Response;

class CheckingConsumer final : public kit::Protocol {
 public:
  bool pause_each_read = false;
  bool stop_after_first = false;

  void connection_made() override {
    FUZZ_CHECK(!made_ && !lost_);
    made_ = true;
  }
  void data_received(std::string_view data) override {
    FUZZ_CHECK(made_ && !lost_ && !stopped_);
    FUZZ_CHECK(!data.empty());
    body_.append(data);
    if (stop_after_first) {
      stopped_ = true;
      transport()->lose_connection();
    } else if (pause_each_read) {
      transport()->pause_reading();
    }
  }
  void connection_lost(const Failure& reason) override {
    FUZZ_CHECK(made_ && !lost_);
    lost_ = true;
    reason_ = reason;
    if (stopped_) FUZZ_CHECK(reason.is(kit::errc::cancelled));
  }

  bool made() const { return made_; }
  bool lost() const { return lost_; }
  bool stopped() const { return stopped_; }
  const std::string& body() const { return body_; }
  const std::optional<Failure>& reason() const { return reason_; }

 private:
  bool made_ = false;
  bool lost_ = false;
  bool stopped_ = false;
  std::string body_;
  std::optional<Failure> reason_;
};

// The single Content-Length value of `r`, when it has one the parser accepted.
std::optional<std::uint64_t> content_length(const Response& r) {
  auto value = r.headers().get("content-length");
  if (!value) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : *value) {
    if (c < '0' || c > '9') break;  // "42, 42": the first element
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

struct Exchange {
  std::optional<Response> response;
  std::optional<Failure> failure;
  CheckingConsumer consumer;
  bool head = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const kit::testing::FuzzChunking fuzz = kit::testing::fuzz_chunking(input.substr(1));
  const std::uint8_t flags = data[0];
  const bool head = flags & 0x80;
  const bool eof = flags & 0x40;
  const bool reset = !eof && (flags & 0x20);
  const bool pause = flags & 0x10;
  const bool late = flags & 0x08;
  const bool stop = flags & 0x04;
  const bool second = flags & 0x02;

  kit::http::ClientOptions options;
  if (flags & 0x01) {
    options.limits.max_line_length = 40;
    options.limits.max_head_size = 120;
    options.limits.max_header_count = 4;
    options.limits.max_chunk_line_length = 12;
    options.limits.max_trailer_size = 30;
  }
  kit::fakes::FakeContext context(1);
  kit::fakes::StringTransport transport;
  transport.set_context(context);
  HttpClientProtocol client(options);
  client.set_on_idle([](HttpClientProtocol& c) { FUZZ_CHECK(c.idle()); });
  transport.connect(client);

  std::vector<std::unique_ptr<Exchange>> exchanges;
  auto start = [&](bool is_head) {
    auto exchange = std::make_unique<Exchange>();
    Exchange& x = *exchange;
    x.head = is_head;
    x.consumer.pause_each_read = pause;
    x.consumer.stop_after_first = stop;
    exchanges.push_back(std::move(exchange));
    kit::http::RequestHead request;
    request.method = is_head ? "HEAD" : "GET";
    request.host = "example.com";
    (void)client.request(request).add_both([&x, late](kit::Outcome<Response> outcome) {
      FUZZ_CHECK(!x.response && !x.failure);
      if (outcome.has_failure()) {
        x.failure = outcome.failure();
        FUZZ_CHECK(!x.failure->is(ParseErrorKind::caller_misuse));
        return;
      }
      x.response = outcome.value();
      if (!late) x.response->deliver_body(x.consumer);
    });
  };
  start(head);

  auto resume_all = [&] {
    for (auto& x : exchanges) {
      for (int i = 0; i < 1 << 16; ++i) {
        if (!x->consumer.made() || x->consumer.lost() || x->consumer.stopped()) break;
        const std::size_t before = x->consumer.body().size();
        kit::fakes::StringTransport::drive([&] { x->consumer.transport()->resume_reading(); });
        if (x->consumer.body().size() == before) break;
      }
    }
  };
  for (const std::string& chunk : fuzz.chunks) {
    if (!transport.connected()) break;
    transport.receive(chunk);
    resume_all();
    if (second && exchanges.size() == 1 && client.idle()) start(false);
  }
  if (transport.connected()) {
    if (eof) transport.receive_eof();
    if (reset) transport.lose_from_peer(Failure(kit::errc::connection_lost));
  }
  for (auto& x : exchanges) {
    if (late && x->response && !x->consumer.made()) x->response->deliver_body(x->consumer);
  }
  resume_all();
  context.clock().advance(std::chrono::seconds(0));

  std::uint64_t total_body = 0;
  for (auto& x : exchanges) {
    total_body += x->consumer.body().size();
    if (!transport.connected()) {
      // The connection is gone: every request has its answer, every consumer its end
      // (unless it paused and was never resumed, which resume_all() rules out).
      FUZZ_CHECK(x->response || x->failure);
      if (x->consumer.made()) FUZZ_CHECK(x->consumer.lost());
    }
    if (x->response && x->consumer.lost() && x->consumer.reason()->is(kit::errc::connection_done)) {
      const int code = x->response->code();
      if (x->head || code == 204 || code == 304) {
        FUZZ_CHECK(x->consumer.body().empty());
      } else if (!x->response->headers().get("transfer-encoding")) {
        if (auto n = content_length(*x->response)) FUZZ_CHECK(x->consumer.body().size() == *n);
      }
    }
  }
  FUZZ_CHECK(total_body <= fuzz.payload.size());
  if (!transport.connected()) FUZZ_CHECK(client.state() == HttpClientProtocol::State::closed);
  return 0;
}
