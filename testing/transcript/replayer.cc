#include "testing/transcript/replayer.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <sstream>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "fakes/fake_context.h"
#include "fakes/string_transport.h"
#include "kit/failure.h"
#include "kit/protocol.h"
#include "testing/transcript/address_text.h"
#include "testing/transcript/transcript_error.h"

namespace kit::testing::transcript {
namespace {

// How many bytes of context a difference shows on each side.
constexpr std::size_t kContext = 24;

std::string escape(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += static_cast<char>(c);
        } else {
          char hex[5];
          std::snprintf(hex, sizeof hex, "\\x%02x", c);
          out += hex;
        }
    }
  }
  return out;
}

// "1.25s": a duration in seconds, trailing zeros dropped.
std::string seconds_text(Duration t) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t).count();
  std::string text = std::to_string(ns / 1000000000);
  if (const auto frac = ns % 1000000000; frac != 0) {
    std::string digits = std::to_string(frac);
    digits.insert(0, 9 - digits.size(), '0');
    digits.erase(digits.find_last_not_of('0') + 1);
    text += "." + digits;
  }
  return text + "s";
}

std::string bytes_text(std::size_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

std::string close_text(std::optional<CloseKind> how) {
  return how ? std::string(to_string(*how)) : std::string("no close");
}

// What the host's protocol did to its side of the connection.
std::optional<CloseKind> observed_close(const fakes::StringTransport& transport) {
  if (transport.aborted()) return CloseKind::abort;
  if (transport.disconnecting() || transport.write_closed()) return CloseKind::fin;
  return std::nullopt;
}

// One session being played.
struct SessionPlay {
  SessionStart start;
  fakes::FakeContext context;
  fakes::StringTransport transport;
  std::unique_ptr<Protocol> protocol;  // destroyed before its transport, after its end

  // The input (connect, a peer chunk, the peer's close) not yet delivered: it waits until
  // the events it caused (the draws to script) have been read.
  std::variant<std::monostate, SessionStart, Data, Close> input;
  std::size_t input_line = 0;

  // What the host is recorded to have done since that input: its bytes, and for each
  // recorded time at which it wrote or closed, what it had done by then.
  struct Checkpoint {
    Duration t;
    std::size_t expected_end;  // bytes of `expected` written by t
    std::optional<CloseKind> close;
    std::size_t close_line;
    std::size_t line;  // the last event at t
  };
  std::string expected;
  std::string actual;  // what the protocol wrote since that input
  std::vector<std::pair<std::size_t, std::size_t>> expected_lines;  // (end offset, line)
  std::vector<Checkpoint> checkpoints;
  std::vector<std::string> expected_draws;  // all, from the start
  std::optional<CloseKind> host_close;      // recorded so far
  std::size_t host_close_line = 0;

  // The host's close as it was when the peer broke the connection: the transport's state
  // after that says nothing of what the protocol did.
  std::optional<std::optional<CloseKind>> close_at_peer_loss;
  std::size_t verified = 0;  // host bytes of earlier inputs, compared
  std::string tail;          // the last of them, for context
  Duration last_t{0};

  explicit SessionPlay(const SessionStart& s) : start(s), context(/*seed=*/0) {
    transport.set_context(context);
    transport.set_clock(&context.clock());
    if (auto peer = parse_address(s.peer)) transport.set_peer(*peer);
    if (auto host = parse_address(s.host)) transport.set_host(*host);
    context.random().set_script_only(true);
  }
  SessionPlay(const SessionPlay&) = delete;
  SessionPlay& operator=(const SessionPlay&) = delete;
  // A session left open (or stopped at a mismatch) ends as a live connection would, so the
  // protocol sees connection_lost() before it is destroyed.
  ~SessionPlay() {
    try {
      if (protocol != nullptr && transport.connected()) transport.lose_from_peer();
    } catch (const std::exception&) {
      // A protocol failing in its last call: nothing left to report it to.
    }
  }
};

class Replayer {
 public:
  Replayer(Factory& factory, ReplayOptions options) : factory_(factory), options_(options) {}

  ReplayResult run(TranscriptReader& reader) {
    try {
      while (std::optional<Event> event = reader.next()) {
        if (!on_event(*event, reader.line())) return std::move(result_);
      }
    } catch (const TranscriptError& error) {
      result_.message = error.what();
      result_.line = error.line();
      return std::move(result_);
    }
    // Sessions the recording left open: play what was recorded, to its last event.
    for (auto& [id, play] : sessions_) {
      if (!flush(*play, play->last_t, reader.line())) return std::move(result_);
      ++result_.sessions_played;
    }
    return std::move(result_);
  }

 private:
  bool on_event(const Event& event, std::size_t line) {
    if (const auto* start = std::get_if<SessionStart>(&event)) {
      if (start->role == Role::client) {
        if (options_.skip_client_sessions) {
          skipped_.push_back(start->session);
          return true;
        }
        return fail(start->session, line,
                    "session " + std::to_string(start->session) +
                        " is a client session; the replayer plays server sessions only");
      }
      auto play = std::make_unique<SessionPlay>(*start);
      play->context.clock().advance(start->start);
      play->input = *start;
      play->input_line = line;
      sessions_.emplace(start->session, std::move(play));
      return true;
    }
    const SessionId id = session_of(event);
    if (std::find(skipped_.begin(), skipped_.end(), id) != skipped_.end()) return true;
    SessionPlay& play = *sessions_.at(id);  // the reader checked the session was started
    return std::visit([&](const auto& e) { return on_session_event(play, e, line); }, event);
  }

  bool on_session_event(SessionPlay&, const SessionStart&, std::size_t) { return true; }

  bool on_session_event(SessionPlay& play, const Data& data, std::size_t line) {
    play.last_t = data.t;
    if (data.from == Side::host) {
      play.expected += data.bytes;
      play.expected_lines.emplace_back(play.expected.size(), line);
      checkpoint(play, data.t, line);
      return true;
    }
    if (!flush(play, data.t, line)) return false;
    play.input = data;
    play.input_line = line;
    return true;
  }

  bool on_session_event(SessionPlay& play, const Close& close, std::size_t line) {
    play.last_t = close.t;
    if (close.by == Side::host) {
      play.host_close = close.how;
      play.host_close_line = line;
      checkpoint(play, close.t, line);
      return true;
    }
    if (!flush(play, close.t, line)) return false;
    play.input = close;
    play.input_line = line;
    return true;
  }

  bool on_session_event(SessionPlay& play, const ClockRead& read, std::size_t) {
    // The clock reads the recorded time at every event; a read needs nothing more.
    play.last_t = read.t;
    return true;
  }

  bool on_session_event(SessionPlay& play, const RandomDraw& draw, std::size_t) {
    play.last_t = draw.t;
    play.context.random().script(draw.bytes);
    play.expected_draws.push_back(draw.bytes);
    return true;
  }

  bool on_session_event(SessionPlay& play, const SessionEnd& end, std::size_t line) {
    if (!flush(play, end.t, line, /*final=*/true)) return false;
    const SessionId id = play.start.session;
    if (play.transport.connected()) {
      return fail(id, line,
                  "session " + std::to_string(id) + ": the transcript says the connection " +
                      "ended at t=" + seconds_text(end.t) + " (line " + std::to_string(line) +
                      "), but the protocol's connection is still open");
    }
    ++result_.sessions_played;
    sessions_.erase(id);
    return true;
  }

  // checkpoint: by `t` the host had written all of `expected` and closed as recorded.
  static void checkpoint(SessionPlay& play, Duration t, std::size_t line) {
    SessionPlay::Checkpoint point{t, play.expected.size(), play.host_close, play.host_close_line,
                                  line};
    if (!play.checkpoints.empty() && play.checkpoints.back().t == t) {
      play.checkpoints.back() = point;
    } else {
      play.checkpoints.push_back(point);
    }
  }

  // flush: delivers the waiting input, lets the clock run to each recorded time at which
  // the host wrote or closed and then to `until` (session time), and compares what the
  // protocol had done by each with what was recorded. `line` is the event due at `until`.
  //
  // The protocol may be ahead of the recording, never behind it: what it writes (or a
  // close) may come before the time recorded for it, because a recording made through a
  // proxy or across a network has the answers late (the next chunk of the client's may
  // even be recorded before the answer to the last). Bytes written ahead must still be
  // the recorded ones, and are checked against the host's next recorded bytes; by the
  // session's end (`final`) everything must match exactly.
  bool flush(SessionPlay& play, Duration until, std::size_t line, bool final = false) {
    const SessionId id = play.start.session;
    const std::string who = "session " + std::to_string(id);
    play.checkpoints.push_back(
        {until, play.expected.size(), play.host_close, play.host_close_line, line});
    for (std::size_t k = 0; k < play.checkpoints.size(); ++k) {
      const SessionPlay::Checkpoint& point = play.checkpoints[k];
      try {
        if (k == 0 && !deliver(play)) return false;
        run_until(play, play.start.start + point.t);
      } catch (const std::exception& error) {
        return fail(id, play.input_line,
                    who + ": the protocol failed while replaying (line " +
                        std::to_string(play.input_line) + "): " + error.what());
      }
      const bool last = final && k + 1 == play.checkpoints.size();
      if (!compare_bytes(play, point, last)) return false;
      if (!compare_close(play, point, last)) return false;
    }
    if (!compare_draws(play, line)) return false;
    play.input = std::monostate{};
    play.verified += play.expected.size();
    play.tail += play.expected;
    if (play.tail.size() > kContext) play.tail.erase(0, play.tail.size() - kContext);
    // What the protocol wrote ahead of the recording waits for the host's next bytes.
    play.actual.erase(0, std::min(play.actual.size(), play.expected.size()));
    play.expected.clear();
    play.expected_lines.clear();
    play.checkpoints.clear();
    return true;
  }

  bool deliver(SessionPlay& play) {
    const SessionId id = play.start.session;
    const std::string who = "session " + std::to_string(id);
    if (std::holds_alternative<SessionStart>(play.input)) {
      play.protocol = factory_.build_protocol(play.transport.peer());
      if (play.protocol == nullptr) {
        return fail(id, play.input_line, who + ": the factory refused the connection");
      }
      play.transport.connect(*play.protocol);
    } else if (const auto* data = std::get_if<Data>(&play.input)) {
      if (!play.transport.connected()) {
        return fail(
            id, play.input_line,
            who + ": the connection was lost before the peer's data at t=" + seconds_text(data->t) +
                " (line " + std::to_string(play.input_line) + ") was delivered");
      }
      play.transport.receive(data->bytes);
    } else if (const auto* close = std::get_if<Close>(&play.input)) {
      if (!play.transport.connected()) return true;  // already gone: nothing to deliver
      if (close->how == CloseKind::fin) {
        play.transport.receive_eof();
      } else {
        play.close_at_peer_loss = observed_close(play.transport);
        play.transport.lose_from_peer(Failure(errc::connection_lost));
      }
    }
    play.context.thread_pool().run_all();
    return true;
  }

  // run_until: runs timers due up to `when` (file time), and the pool work they start.
  static void run_until(SessionPlay& play, Duration when) {
    auto& clock = play.context.clock();
    const TimePoint target{when};
    for (;;) {
      play.context.thread_pool().run_all();
      const auto next = clock.next_deadline();
      if (!next || *next > target) break;
      clock.advance_to(*next);
    }
    if (clock.now() < target) clock.advance_to(target);
    play.context.thread_pool().run_all();
  }

  bool compare_bytes(SessionPlay& play, const SessionPlay::Checkpoint& point, bool final) {
    play.actual += play.transport.take();
    const std::string_view actual = play.actual;
    const std::string_view expected = std::string_view(play.expected).substr(0, point.expected_end);
    const std::size_t common = std::min(actual.size(), expected.size());
    const std::size_t i =
        std::mismatch(actual.begin(), actual.begin() + common, expected.begin()).first -
        actual.begin();
    if (i == common && actual.size() == expected.size()) return true;
    if (i == common && actual.size() > expected.size() && !final) return true;  // ahead
    const SessionId id = play.start.session;
    const std::size_t offset = play.verified + i;
    // The line of the recorded chunk holding the difference (or the event due then).
    std::size_t at_line = point.line;
    for (const auto& [end, chunk_line] : play.expected_lines) {
      if (i < end && end <= point.expected_end) {
        at_line = chunk_line;
        break;
      }
    }
    std::string headline = "session " + std::to_string(id) + ": ";
    if (i < common) {
      headline += "byte " + std::to_string(offset) + " of what the host sent differs";
    } else if (actual.size() < expected.size()) {
      headline += "the protocol wrote " + bytes_text(play.verified + actual.size()) +
                  " by t=" + seconds_text(point.t) + ", the transcript has " +
                  std::to_string(play.verified + expected.size()) + ": missing from byte " +
                  std::to_string(offset);
    } else {
      headline += "the protocol wrote " + bytes_text(actual.size() - expected.size()) +
                  " more than the transcript has by t=" + seconds_text(point.t) +
                  ": extra from byte " + std::to_string(offset);
    }
    headline += " (transcript line " + std::to_string(at_line) + ")\n";
    result_.offset = offset;
    const std::string before = play.tail;
    return fail(id, at_line,
                headline + describe_difference(before + std::string(expected),
                                               before + std::string(actual), before.size() + i));
  }

  bool compare_close(SessionPlay& play, const SessionPlay::Checkpoint& point, bool final) {
    const std::optional<CloseKind> observed =
        play.close_at_peer_loss ? *play.close_at_peer_loss : observed_close(play.transport);
    if (observed == point.close) return true;
    if (observed && !point.close && !final) return true;  // closed ahead of the recording
    const SessionId id = play.start.session;
    std::string message = "session " + std::to_string(id) + ": ";
    if (!point.close) {
      message += "the protocol closed (" + close_text(observed) +
                 ") by t=" + seconds_text(point.t) +
                 ", the transcript has no close by the host by then";
      return fail(id, point.line, message + " (line " + std::to_string(point.line) + ")");
    }
    message += "the transcript has the host close (" + close_text(point.close) + ", line " +
               std::to_string(point.close_line) + "), the protocol ";
    message += observed ? "closed with " + close_text(observed) : std::string("did not close");
    return fail(id, point.close_line, message + " by t=" + seconds_text(point.t));
  }

  bool compare_draws(SessionPlay& play, std::size_t line) {
    const auto& draws = play.context.random().draws();
    const auto& expected = play.expected_draws;
    const std::size_t common = std::min(draws.size(), expected.size());
    for (std::size_t k = 0; k < common; ++k) {
      if (draws[k].size() != expected[k].size()) {
        return fail(play.start.session, line,
                    "session " + std::to_string(play.start.session) + ": random draw " +
                        std::to_string(k + 1) + " took " + std::to_string(draws[k].size()) +
                        " bytes, the transcript has " + std::to_string(expected[k].size()));
      }
    }
    if (draws.size() < expected.size()) {
      return fail(play.start.session, line,
                  "session " + std::to_string(play.start.session) + ": the protocol made " +
                      std::to_string(draws.size()) + " random draws by line " +
                      std::to_string(line) + ", the transcript has " +
                      std::to_string(expected.size()));
    }
    return true;
  }

  bool fail(SessionId id, std::size_t line, std::string message) {
    result_.session = id;
    result_.line = line;
    result_.message = std::move(message);
    return false;
  }

  Factory& factory_;
  ReplayOptions options_;
  std::map<SessionId, std::unique_ptr<SessionPlay>> sessions_;
  std::vector<SessionId> skipped_;
  ReplayResult result_;
};

}  // namespace

std::string describe_difference(std::string_view expected, std::string_view actual,
                                std::size_t offset) {
  const std::size_t from = offset > kContext ? offset - kContext : 0;
  const auto window = [&](std::string_view bytes) {
    std::string text = from > 0 ? "..." : "";
    text += "\"" + escape(bytes.substr(std::min(from, bytes.size()), offset + kContext - from));
    text += "\"";
    if (offset + kContext < bytes.size()) text += "...";
    return text;
  };
  // The bytes before `offset` are the same in both, so one caret fits both lines.
  const std::size_t column = std::string_view("  actual:   ").size() + (from > 0 ? 3 : 0) + 1 +
                             escape(actual.substr(from, offset - from)).size();
  std::string out = "  expected: " + window(expected) + "\n";
  out += "  actual:   " + window(actual) + "\n";
  out += std::string(column, ' ') + "^\n";
  return out;
}

ReplayResult replay(Factory& factory, TranscriptReader& reader, ReplayOptions options) {
  return Replayer(factory, options).run(reader);
}

ReplayResult replay(Factory& factory, const std::filesystem::path& path, ReplayOptions options) {
  try {
    TranscriptReader reader(path);
    return replay(factory, reader, options);
  } catch (const TranscriptError& error) {
    ReplayResult result;
    result.message = error.what();
    result.line = error.line();
    return result;
  }
}

}  // namespace kit::testing::transcript
