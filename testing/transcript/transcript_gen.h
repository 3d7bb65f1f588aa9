// RapidCheck generators of transcript events: well-formed sessions (the rules of
// FORMAT.md hold) with binary and empty chunks, every close kind, clock reads and random
// draws, and several sessions interleaved as a recording proxy writes them.
//
// Thread safety: generators are values; use them on RapidCheck's thread.
#ifndef KIT_TESTING_TRANSCRIPT_TRANSCRIPT_GEN_H_
#define KIT_TESTING_TRANSCRIPT_TRANSCRIPT_GEN_H_

#include <rapidcheck.h>

#include <string>
#include <vector>

#include "testing/transcript/event.h"

namespace kit::testing::transcript::gen {

// bytes: byte strings as chunks come: empty, text, any bytes at all, and text with a few
// binary bytes in it.
rc::Gen<std::string> bytes();

// session: the events of session `id`, starting with its SessionStart, in order; it ends
// (SessionEnd) or is left open.
rc::Gen<std::vector<Event>> session(SessionId id);

// sessions: up to `max_sessions` sessions with distinct ids, their events interleaved in
// any order that keeps each session's own order.
rc::Gen<std::vector<Event>> sessions(std::size_t max_sessions = 4);

}  // namespace kit::testing::transcript::gen

#endif  // KIT_TESTING_TRANSCRIPT_TRANSCRIPT_GEN_H_
