#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstddef>
#include <string>

#include "fakes/string_transport.h"
#include "protocols/line/line_protocol.h"
#include "testing/generators/chunking.h"
#include "testing/generators/chunking_gen.h"
#include "testing/generators/line_text_gen.h"

namespace kit::protocols {
namespace {

struct Outcome {
  std::string output;
  bool closed = false;
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

// specs/cli.md's `line`, written the simplest way over the whole input at once.
Outcome model(const std::string& input, std::size_t max_line) {
  Outcome out;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t lf = input.find('\n', pos);
    std::string line = input.substr(pos, lf == std::string::npos ? std::string::npos : lf - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() > max_line) {
      out.output += "error: line too long\r\n";
      out.closed = true;
      return out;
    }
    if (lf == std::string::npos) return out;
    if (line == "quit") {
      out.output += "Goodbye.\r\n";
      out.closed = true;
      return out;
    }
    out.output += "You said: " + line + "\r\n";
    pos = lf + 1;
  }
}

Outcome run(const testing::Chunking& chunks, std::size_t max_line) {
  fakes::StringTransport transport;
  LineProtocol protocol(max_line);
  transport.connect(protocol);
  testing::deliver(transport, chunks);
  return {transport.value(), !transport.connected()};
}

RC_GTEST_PROP(LineProtocolProperty, AnyChunkingAnswersAsTheSpecSays, ()) {
  const std::string input = *testing::gen::line_text();
  const std::size_t max_line = *rc::gen::inRange<std::size_t>(0, 48);
  const testing::Chunking chunks = *testing::gen::chunking(input);
  const Outcome expected = model(input, max_line);
  const Outcome actual = run(chunks, max_line);
  RC_ASSERT(actual.output == expected.output);
  RC_ASSERT(actual.closed == expected.closed);
}

}  // namespace
}  // namespace kit::protocols
