// HttpClientProtocol properties: whatever the chunking of the server's bytes, and however
// the body's consumer pauses, the client reports the same response head, the same body
// and the same end; a valid response gives back the status and body it was made from.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "fakes/fake_context.h"
#include "fakes/string_transport.h"
#include "protocols/http/http_client_protocol.h"
#include "protocols/http/response_gen.h"
#include "testing/generators/chunking.h"
#include "testing/generators/chunking_gen.h"
#include "testing/scripted_protocol.h"

namespace kit::http {
namespace {

using namespace std::chrono_literals;

struct Run {
  std::string head;  // "200 Reason\nname: value\n..." or "failed: <what>"
  std::string body;
  std::string end;  // the consumer's connection_lost reason, or "" when none
  int idle = 0;
  friend bool operator==(const Run&, const Run&) = default;
};

std::string describe(const Run& r) {
  return "head {" + r.head + "} body {" + r.body + "} end {" + r.end + "} idle " +
         std::to_string(r.idle);
}

// run: one request answered by `chunks`, then a clean close when `eof`. The consumer
// pauses after each data_received() whose index is set in `pauses` (taken in turn); the
// test resumes it after each chunk and at the end.
Run run(const kit::testing::Chunking& chunks, bool head, bool eof,
        const std::vector<bool>& pauses) {
  fakes::FakeContext context(1);
  fakes::StringTransport transport;
  transport.set_context(context);
  HttpClientProtocol client;
  Run result;
  client.set_on_idle([&](HttpClientProtocol&) { ++result.idle; });
  transport.connect(client);
  RequestHead request;
  request.method = head ? "HEAD" : "GET";
  request.host = "example.com";

  kit::testing::ScriptedProtocol consumer;
  std::size_t data_calls = 0;
  consumer.on_data = [&](kit::testing::ScriptedProtocol& p, std::string_view) {
    if (!pauses.empty() && pauses[data_calls++ % pauses.size()]) p.transport()->pause_reading();
  };
  (void)client.request(request).add_both([&](Outcome<Response> outcome) {
    if (outcome.has_failure()) {
      result.head = "failed: " + outcome.failure().what();
      return;
    }
    const Response& r = outcome.value();
    result.head = std::to_string(r.code()) + " " + r.reason() + "\n";
    for (const Field& f : r.headers()) result.head += f.name + ": " + f.value + "\n";
    r.deliver_body(consumer);
  });
  auto resume = [&] {
    for (int i = 0; i < 100000 && consumer.transport() != nullptr &&
                    !consumer.history().has_lost() && consumer.events().size() > 0;
         ++i) {
      std::size_t before = consumer.events().size();
      fakes::StringTransport::drive([&] { consumer.transport()->resume_reading(); });
      if (consumer.events().size() == before) break;
    }
  };
  for (const std::string& chunk : chunks) {
    if (!transport.connected()) break;
    transport.receive(chunk);
    resume();
  }
  if (eof && transport.connected()) transport.receive_eof();
  resume();
  context.clock().advance(0s);
  result.body = consumer.received();
  if (consumer.history().has_lost()) result.end = consumer.history().lost->what();
  return result;
}

RC_GTEST_PROP(HttpClientProperty, AnyChunkingGivesTheSameResponseAndBody, ()) {
  const std::string raw = *testing::maybe_broken_response();
  const bool head = *rc::gen::inRange(0, 5) == 0;
  const bool eof = *rc::gen::arbitrary<bool>();
  const auto pauses =
      *rc::gen::container<std::vector<bool>>(*rc::gen::inRange(0, 4), rc::gen::arbitrary<bool>());
  const kit::testing::Chunking chunks = *kit::testing::gen::chunking(raw);
  const Run whole = run({raw}, head, eof, {});
  const Run cut = run(chunks, head, eof, pauses);
  RC_ASSERT_FALSE(whole.body.size() > raw.size());
  if (!(cut == whole)) RC_FAIL("chunked: " + describe(cut) + "\nwhole: " + describe(whole));
}

RC_GTEST_PROP(HttpClientProperty, AValidResponseGivesItsStatusAndWholeBody, ()) {
  const testing::GeneratedResponse g = *testing::valid_response();
  const auto pauses =
      *rc::gen::container<std::vector<bool>>(*rc::gen::inRange(0, 4), rc::gen::arbitrary<bool>());
  const Run r = run(*kit::testing::gen::chunking(g.raw), g.head, /*eof=*/g.close_delimited, pauses);
  RC_ASSERT(r.head.rfind(std::to_string(g.code) + " Reason Phrase\n", 0) == 0u);
  RC_ASSERT(r.body == g.body);
  RC_ASSERT(r.end == Failure(errc::connection_done, "the response body is complete").what());
  // A framed body leaves the connection for the next request; a close-delimited one not.
  RC_ASSERT(r.idle == (g.close_delimited ? 0 : 1));
}

}  // namespace
}  // namespace kit::http
