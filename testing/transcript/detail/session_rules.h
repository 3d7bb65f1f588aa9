// SessionRules: what makes a sequence of events a well-formed transcript, checked in one
// place for the writer and the reader alike (so a writer never writes what its reader
// refuses):
//   - a session's events follow its SessionStart, and nothing follows its SessionEnd;
//   - a session id starts once per file;
//   - times are never negative and never go back within a session;
//   - no data from a side after it closed; after a fin a side may still reset or abort,
//     after a reset or abort it closes no more.
//
// Memory: a few words per session of the file, nothing per event.
//
// Thread safety: one thread.
#ifndef KIT_TESTING_TRANSCRIPT_DETAIL_SESSION_RULES_H_
#define KIT_TESTING_TRANSCRIPT_DETAIL_SESSION_RULES_H_

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "testing/transcript/event.h"

namespace kit::testing::transcript::detail {

class SessionRules {
 public:
  // check: nullopt when `event` may follow the events checked so far (and it is then
  // counted as one of them), else what is wrong with it.
  std::optional<std::string> check(const Event& event);

  // open_sessions: the sessions started and not ended, in increasing id order.
  std::vector<SessionId> open_sessions() const;

 private:
  struct State {
    Duration last{0};
    bool ended = false;
    // How each side closed (index: Side), if it did.
    std::optional<CloseKind> closed[2];
  };

  std::unordered_map<SessionId, State> sessions_;
};

}  // namespace kit::testing::transcript::detail

#endif  // KIT_TESTING_TRANSCRIPT_DETAIL_SESSION_RULES_H_
