// ScriptedLineReceiver: a LineReceiver driven by commands in the lines it receives, for
// the property and fuzz tests of the line framing. Lines are commands:
//
//   raw N    the next N bytes (N < 1000) are read raw, then lines again from the rest
//   pause    pause reading; a call on the clock resumes it at the next advance
//   close    lose the connection
//   max N    set_max_length(N)
//   lf, crlf, strip, END    set_delimiter(lf(), crlf(), lf_strip_cr(), custom("END"))
//
// and it records what happened as events: "line:<line>", "raw:<bytes>" (consecutive raw
// data merged, since how it is split follows the chunking), "long" (line_length_exceeded,
// after which the connection is kept, so the rest of the line is skipped) and "lost". A
// line that breaks the framing's promises (longer than max_length(), or holding its
// delimiter) is recorded as "BAD:<line>".
//
// run_script() feeds it a chunking on a StringTransport and a FakeClock and returns the
// events; every chunking of the same bytes must give the same events.
//
// Thread safety: the test's thread.
#ifndef KIT_PROTOCOLS_BASIC_SCRIPTED_LINE_RECEIVER_H_
#define KIT_PROTOCOLS_BASIC_SCRIPTED_LINE_RECEIVER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/fake_clock.h"
#include "kit/delayed_call.h"
#include "protocols/basic/line_receiver.h"
#include "testing/generators/chunking.h"

namespace kit::protocols {

class ScriptedLineReceiver : public LineReceiver {
 public:
  ScriptedLineReceiver(fakes::FakeClock& clock, LineDelimiter delimiter, std::size_t max_length);

  void line_received(std::string_view line) override;
  void raw_data_received(std::string_view data) override;
  void line_length_exceeded(std::string_view line) override;
  void connection_lost(const Failure& reason) override;

  const std::vector<std::string>& events() const noexcept { return events_; }

 private:
  fakes::FakeClock& clock_;
  std::size_t raw_left_ = 0;
  DelayedCall resume_;
  std::vector<std::string> events_;
};

// The delimiters a script may start with: 0 crlf, 1 lf, 2 lf_strip_cr, 3 custom("END").
inline constexpr int script_delimiters = 4;
LineDelimiter script_delimiter(int which);

// run_script: the events of a ScriptedLineReceiver fed `chunks`, once the clock has run
// every call it had pending.
std::vector<std::string> run_script(const testing::Chunking& chunks, int delimiter,
                                    std::size_t max_length);

}  // namespace kit::protocols

#endif  // KIT_PROTOCOLS_BASIC_SCRIPTED_LINE_RECEIVER_H_
