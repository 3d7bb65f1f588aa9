#include "protocols/basic/scripted_line_receiver.h"

#include <algorithm>
#include <charconv>

#include "fakes/string_transport.h"

namespace kit::protocols {
namespace {

// The number after `command` in `line` ("raw 12"), or -1.
long number_after(std::string_view line, std::string_view command) {
  if (line.substr(0, command.size()) != command) return -1;
  const std::string_view digits = line.substr(command.size());
  long value = -1;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size() || value < 0 || value >= 1000) {
    return -1;
  }
  return value;
}

}  // namespace

ScriptedLineReceiver::ScriptedLineReceiver(fakes::FakeClock& clock, LineDelimiter delimiter,
                                           std::size_t max_length)
    : LineReceiver(std::move(delimiter), max_length), clock_(clock) {}

void ScriptedLineReceiver::line_received(std::string_view line) {
  const bool bad =
      line.size() > max_length() || line.find(delimiter().ends()) != std::string_view::npos;
  events_.push_back((bad ? "BAD:" : "line:") + std::string(line));
  if (const long n = number_after(line, "raw "); n > 0) {
    raw_left_ = static_cast<std::size_t>(n);
    set_raw_mode();
  } else if (const long max = number_after(line, "max "); max >= 0) {
    set_max_length(static_cast<std::size_t>(max));
  } else if (line == "pause") {
    pause_reading();
    resume_ = clock_.call_later(Duration::zero(), [this] { resume_reading(); });
  } else if (line == "close") {
    transport()->lose_connection();
  } else if (line == "lf") {
    set_delimiter(LineDelimiter::lf());
  } else if (line == "crlf") {
    set_delimiter(LineDelimiter::crlf());
  } else if (line == "strip") {
    set_delimiter(LineDelimiter::lf_strip_cr());
  } else if (line == "END") {
    set_delimiter(LineDelimiter::custom("END"));
  }
}

void ScriptedLineReceiver::raw_data_received(std::string_view data) {
  const std::string_view mine = data.substr(0, raw_left_);
  raw_left_ -= mine.size();
  if (!events_.empty() && events_.back().rfind("raw:", 0) == 0) {
    events_.back() += mine;
  } else {
    events_.push_back("raw:" + std::string(mine));
  }
  if (raw_left_ == 0) set_line_mode(data.substr(mine.size()));
}

void ScriptedLineReceiver::line_length_exceeded(std::string_view line) {
  events_.push_back(line.size() > max_length() ? "long" : "BAD:long " + std::string(line));
}

void ScriptedLineReceiver::connection_lost(const Failure& reason) {
  (void)reason;
  events_.push_back("lost");
}

LineDelimiter script_delimiter(int which) {
  switch (which) {
    case 1:
      return LineDelimiter::lf();
    case 2:
      return LineDelimiter::lf_strip_cr();
    case 3:
      return LineDelimiter::custom("END");
    default:
      return LineDelimiter::crlf();
  }
}

std::vector<std::string> run_script(const testing::Chunking& chunks, int delimiter,
                                    std::size_t max_length) {
  fakes::FakeClock clock;
  fakes::StringTransport transport;
  ScriptedLineReceiver protocol(clock, script_delimiter(delimiter), max_length);
  transport.connect(protocol);
  for (const std::string& chunk : chunks) {
    if (!transport.connected()) break;
    transport.receive(chunk);
  }
  // Each pause is resumed by a call at the next advance; a resumed line may pause again.
  while (clock.pending() > 0) clock.advance(Duration::zero());
  return protocol.events();
}

}  // namespace kit::protocols
