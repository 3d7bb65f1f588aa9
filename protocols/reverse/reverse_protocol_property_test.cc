#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstddef>
#include <string>

#include "fakes/string_transport.h"
#include "protocols/reverse/reverse_protocol.h"
#include "testing/generators/chunking.h"
#include "testing/generators/chunking_gen.h"
#include "testing/generators/line_text_gen.h"

namespace kit::protocols {
namespace {

struct Outcome {
  std::string output;
  bool closed = false;
};

// specs/cli.md's `reverse`, written the simplest way over the whole input at once.
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
      out.closed = true;
      return out;
    }
    out.output += std::string(line.rbegin(), line.rend()) + "\r\n";
    pos = lf + 1;
  }
}

RC_GTEST_PROP(ReverseProtocolProperty, AnyChunkingAnswersAsTheSpecSays, ()) {
  const std::string input = *testing::gen::line_text();
  const std::size_t max_line = *rc::gen::inRange<std::size_t>(0, 48);
  const testing::Chunking chunks = *testing::gen::chunking(input);
  const Outcome expected = model(input, max_line);

  fakes::StringTransport transport;
  ReverseProtocol protocol(max_line);
  transport.connect(protocol);
  testing::deliver(transport, chunks);
  RC_ASSERT(transport.value() == expected.output);
  RC_ASSERT(!transport.connected() == expected.closed);
}

}  // namespace
}  // namespace kit::protocols
