#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/string_transport.h"
#include "protocols/basic/int32_string_receiver.h"
#include "testing/generators/chunking.h"
#include "testing/generators/chunking_gen.h"

namespace kit::protocols {
namespace {

std::uint32_t be32(std::string_view p) {
  return (std::uint32_t{static_cast<unsigned char>(p[0])} << 24) |
         (std::uint32_t{static_cast<unsigned char>(p[1])} << 16) |
         (std::uint32_t{static_cast<unsigned char>(p[2])} << 8) |
         std::uint32_t{static_cast<unsigned char>(p[3])};
}

// Records strings and refused lengths; keeps the connection after those.
class Recorder : public Int32StringReceiver {
 public:
  using Int32StringReceiver::Int32StringReceiver;
  void string_received(std::string_view s) override { events.push_back("str:" + std::string(s)); }
  void length_limit_exceeded(std::uint32_t length) override {
    events.push_back("exceeded:" + std::to_string(length));
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

// The strings of `wire` read whole, by the definition of the framing.
std::vector<std::string> model(std::string_view wire, std::size_t max_length) {
  std::vector<std::string> events;
  while (wire.size() >= 4) {
    const std::uint32_t length = be32(wire);
    wire.remove_prefix(4);
    if (length > max_length) {
      events.push_back("exceeded:" + std::to_string(length));
      if (wire.size() < length) break;
      wire.remove_prefix(length);
      continue;
    }
    if (wire.size() < length) break;
    events.push_back("str:" + std::string(wire.substr(0, length)));
    wire.remove_prefix(length);
  }
  return events;
}

// A stream of prefixed strings, some longer than the limits the property picks, then a few
// arbitrary bytes (possibly a partial or nonsense prefix).
rc::Gen<std::string> wire() {
  return rc::gen::map(
      rc::gen::pair(rc::gen::container<std::vector<std::string>>(rc::gen::arbitrary<std::string>()),
                    rc::gen::container<std::string>(rc::gen::arbitrary<char>())),
      [](const std::pair<std::vector<std::string>, std::string>& parts) {
        std::string out;
        for (const std::string& s : parts.first) {
          const auto n = static_cast<std::uint32_t>(s.size());
          out += {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                  static_cast<char>(n)};
          out += s;
        }
        return out + parts.second.substr(0, 6);
      });
}

RC_GTEST_PROP(Int32StringReceiverProperty, AnyChunkingGivesTheStringsOfTheModel, ()) {
  const std::string input = *wire();
  const std::size_t max_length = *rc::gen::inRange<std::size_t>(0, 60);
  const testing::Chunking chunks = *testing::gen::chunking(input);
  const std::vector<std::string> expected = model(input, max_length);
  RC_ASSERT(run({input}, max_length) == expected);
  RC_ASSERT(run(chunks, max_length) == expected);
}

}  // namespace
}  // namespace kit::protocols
