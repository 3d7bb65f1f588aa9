#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/string_transport.h"
#include "protocols/basic/line_only_receiver.h"
#include "testing/generators/chunking.h"
#include "testing/generators/chunking_gen.h"
#include "testing/generators/line_text_gen.h"

namespace kit::protocols {
namespace {

// Records lines, and overlong lines as "long"; keeps the connection after those.
class Recorder : public LineOnlyReceiver {
 public:
  using LineOnlyReceiver::LineOnlyReceiver;
  void line_received(std::string_view line) override {
    events.push_back("line:" + std::string(line));
  }
  void line_length_exceeded(std::string_view) override { events.push_back("long"); }
  std::vector<std::string> events;
};

std::vector<std::string> run(const testing::Chunking& chunks, const LineDelimiter& delimiter,
                             std::size_t max_length) {
  fakes::StringTransport transport;
  Recorder protocol(delimiter, max_length);
  transport.connect(protocol);
  testing::deliver(transport, chunks);
  return protocol.events;
}

// The lines of `input` received whole, found with std::string::find.
std::vector<std::string> model(const std::string& input, const LineDelimiter& delimiter,
                               std::size_t max_length) {
  const std::string ends(delimiter.ends());
  std::vector<std::string> events;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t at = input.find(ends, pos);
    if (at == std::string::npos) break;
    std::string line = input.substr(pos, at - pos);
    if (delimiter.strips_cr() && !line.empty() && line.back() == '\r') line.pop_back();
    events.push_back(line.size() > max_length ? "long" : "line:" + line);
    pos = at + ends.size();
  }
  // The unfinished line is too long when it is, even if its last bytes begin the
  // delimiter (or are the CR before it).
  const std::string rest = input.substr(pos);
  std::size_t shortest = rest.size();
  for (std::size_t k = 1; k < ends.size() && k <= rest.size(); ++k) {
    if (rest.compare(rest.size() - k, k, ends, 0, k) == 0) shortest = rest.size() - k;
  }
  if (delimiter.strips_cr() && !rest.empty() && rest.back() == '\r') shortest = rest.size() - 1;
  if (shortest > max_length) events.push_back("long");
  return events;
}

LineDelimiter any_delimiter(int which) {
  switch (which) {
    case 0:
      return LineDelimiter::crlf();
    case 1:
      return LineDelimiter::lf();
    case 2:
      return LineDelimiter::lf_strip_cr();
    default:
      return LineDelimiter::custom("aab");  // overlaps itself
  }
}

RC_GTEST_PROP(LineOnlyReceiverProperty, AnyChunkingGivesTheLinesOfTheModel, ()) {
  const std::string input = *testing::gen::line_text({"aab", "aaab", "a\r"});
  const LineDelimiter delimiter = any_delimiter(*rc::gen::inRange(0, 4));
  const std::size_t max_length = *rc::gen::inRange<std::size_t>(0, 40);
  const testing::Chunking chunks = *testing::gen::chunking(input);
  const std::vector<std::string> expected = model(input, delimiter, max_length);
  RC_ASSERT(run({input}, delimiter, max_length) == expected);
  // Chunked, an overlong line is found earlier and the rest of it skipped: the same events.
  RC_ASSERT(run(chunks, delimiter, max_length) == expected);
}

}  // namespace
}  // namespace kit::protocols
