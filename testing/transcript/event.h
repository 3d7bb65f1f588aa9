// Transcript events: what a recorded session is made of, one value per line of a
// transcript file (testing/transcript/FORMAT.md).
//
// A session opens with SessionStart (its id, addresses and role), then has, in the order
// they happened, the chunks each side sent (Data), each side's close (Close), the values
// the protocol drew from its clock (ClockRead) and from kit::Random (RandomDraw), and ends
// with SessionEnd. Times are nanoseconds since the session's start. Sessions of one file
// may interleave; every event names its session.
//
// Thread safety: value types.
#ifndef KIT_TESTING_TRANSCRIPT_EVENT_H_
#define KIT_TESTING_TRANSCRIPT_EVENT_H_

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>

#include "kit/time.h"

namespace kit::testing::transcript {

// The version of the format this code writes, and the newest it reads fully. A file of the
// same major and a newer minor is read too (its unknown fields are ignored); another major
// is refused.
inline constexpr int format_major = 1;
inline constexpr int format_minor = 0;

// The longest line, newline included, that a writer writes and a reader accepts by
// default: a bound on the memory one event takes.
inline constexpr std::size_t default_max_line_length = std::size_t{64} << 20;

using SessionId = std::uint64_t;
// Free-form labels ("recorded_by": "protokit record"); keys and values are byte strings.
using Meta = std::map<std::string, std::string>;

// Which end of the connection: `host` is the recorded side (Transport::host()), `peer` the
// other one (Transport::peer()).
enum class Side { host, peer };
// What the host did to make the connection: accepted it (server) or opened it (client).
enum class Role { server, client };
// How a side closed: `fin` a clean close or half-close (lose_connection, EOF), `reset` the
// connection broke (RST, broken pipe), `abort` the side dropped it on purpose
// (abort_connection).
enum class CloseKind { fin, reset, abort };

std::string_view to_string(Side side);
std::string_view to_string(Role role);
std::string_view to_string(CloseKind how);

// The first line of every file.
struct Header {
  int major = format_major;
  int minor = format_minor;
  Meta meta{};
  friend bool operator==(const Header&, const Header&) = default;
};

struct SessionStart {
  SessionId session = 0;
  // When the session started, since the file's origin (the first session, or when the
  // recorder began), so interleaved sessions keep their relative timing.
  Duration start{0};
  Role role = Role::server;
  // As kit::Address prints them: "tcp:127.0.0.1:8000", "tcp:[::1]:8000", "unix:/x.sock".
  std::string host{};
  std::string peer{};
  Meta meta{};
  friend bool operator==(const SessionStart&, const SessionStart&) = default;
};

// One chunk as it arrived: bytes the peer sent, as one data_received() of the host's
// protocol, or bytes the host's protocol wrote, as one write. May be empty.
struct Data {
  SessionId session = 0;
  Duration t{0};
  Side from = Side::peer;
  std::string bytes{};
  friend bool operator==(const Data&, const Data&) = default;
};

struct Close {
  SessionId session = 0;
  Duration t{0};
  Side by = Side::peer;
  CloseKind how = CloseKind::fin;
  friend bool operator==(const Close&, const Close&) = default;
};

// The protocol read its clock's now() and got the session's start + t.
struct ClockRead {
  SessionId session = 0;
  Duration t{0};
  friend bool operator==(const ClockRead&, const ClockRead&) = default;
};

// The protocol drew these bytes from kit::Random, in one fill().
struct RandomDraw {
  SessionId session = 0;
  Duration t{0};
  std::string bytes{};
  friend bool operator==(const RandomDraw&, const RandomDraw&) = default;
};

// The connection is gone (connection_lost was delivered); nothing more of this session
// follows. A session with no end was still open when its recording stopped.
struct SessionEnd {
  SessionId session = 0;
  Duration t{0};
  friend bool operator==(const SessionEnd&, const SessionEnd&) = default;
};

using Event = std::variant<SessionStart, Data, Close, ClockRead, RandomDraw, SessionEnd>;

// session_of: the session an event belongs to.
SessionId session_of(const Event& event);

// Events print as their transcript line (without the newline), which is readable and
// makes test failures show the difference.
std::ostream& operator<<(std::ostream& out, const Event& event);
std::ostream& operator<<(std::ostream& out, const Header& header);
std::ostream& operator<<(std::ostream& out, const SessionStart& event);
std::ostream& operator<<(std::ostream& out, const Data& event);
std::ostream& operator<<(std::ostream& out, const Close& event);
std::ostream& operator<<(std::ostream& out, const ClockRead& event);
std::ostream& operator<<(std::ostream& out, const RandomDraw& event);
std::ostream& operator<<(std::ostream& out, const SessionEnd& event);

}  // namespace kit::testing::transcript

#endif  // KIT_TESTING_TRANSCRIPT_EVENT_H_
