#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/string_transport.h"
#include "protocols/basic/netstring_receiver.h"
#include "testing/generators/chunking.h"
#include "testing/generators/chunking_gen.h"

namespace kit::protocols {
namespace {

// Records strings and the refusal (with its reason); keeps the connection after it.
class Recorder : public NetstringReceiver {
 public:
  using NetstringReceiver::NetstringReceiver;
  void string_received(std::string_view s) override { events.push_back("str:" + std::string(s)); }
  void bad_netstring(const Failure& reason) override {
    events.push_back("bad:" + reason.message());
  }
  std::vector<std::string> events;
};

std::vector<std::string> run(const testing::Chunking& chunks, std::size_t max_length) {
  fakes::StringTransport transport;
  Recorder protocol(max_length);
  transport.connect(protocol);
  testing::deliver(transport, chunks);
  return protocol.events;
}

std::string netstring(const std::string& s) { return std::to_string(s.size()) + ":" + s + ","; }

// Netstrings, now and then broken by a piece that is not one.
rc::Gen<std::string> stream() {
  rc::Gen<std::string> piece = rc::gen::weightedOneOf<std::string>({
      {6, rc::gen::map(rc::gen::arbitrary<std::string>(), netstring)},
      {1, rc::gen::element<std::string>("00:,", "1:ab,", "3:ab", ":", "x", "12", "-1:a,",
                                        "99999999999:")},
      {1, rc::gen::arbitrary<std::string>()},
  });
  return rc::gen::map(rc::gen::container<std::vector<std::string>>(std::move(piece)),
                      [](const std::vector<std::string>& pieces) {
                        std::string out;
                        for (const std::string& p : pieces) out += p;
                        return out;
                      });
}

RC_GTEST_PROP(NetstringReceiverProperty, AnyChunkingGivesTheSameEvents, ()) {
  const std::string input = *stream();
  const std::size_t max_length = *rc::gen::inRange<std::size_t>(0, 120);
  const testing::Chunking chunks = *testing::gen::chunking(input);
  const std::vector<std::string> whole = run({input}, max_length);
  RC_ASSERT(run(chunks, max_length) == whole);
  // Refused once at most, and then nothing more is delivered.
  std::size_t bad = 0;
  for (const std::string& event : whole) {
    if (event.rfind("bad:", 0) == 0) ++bad;
    if (bad > 0) RC_ASSERT(event.rfind("bad:", 0) == 0);
  }
  RC_ASSERT(bad <= 1u);
}

RC_GTEST_PROP(NetstringReceiverProperty, ValidNetstringsComeBackAsSent,
              (const std::vector<std::string>& strings)) {
  std::string input;
  std::vector<std::string> expected;
  for (const std::string& s : strings) {
    input += netstring(s);
    expected.push_back("str:" + s);
  }
  const testing::Chunking chunks = *testing::gen::chunking(input);
  RC_ASSERT(run(chunks, 1 << 20) == expected);
}

}  // namespace
}  // namespace kit::protocols
