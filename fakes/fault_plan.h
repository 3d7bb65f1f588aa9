// FaultPlan: what a FaultInjectingLayer (fault_injecting_layer.h) does to one connection.
//
// A plan that sets nothing injects nothing: the layer then passes everything through,
// unchanged and at once. Each field adds one fault:
//
//   kit::fakes::FaultPlan plan{.max_piece = 3, .seed = 7};          // writes in 1..3 bytes
//   kit::fakes::FaultPlan plan{.piece_sizes = {1, 4}};              // 1, 4, 1, 4, ... bytes
//   kit::fakes::FaultPlan plan{.delay = std::chrono::seconds(1)};   // one piece a second
//   kit::fakes::FaultPlan plan{.cut = kit::fakes::FaultCut{
//       .direction = kit::fakes::FaultDirection::inbound, .offset = 17}};  // reset at byte 17
//   kit::fakes::FaultPlan plan{.fail_operation = 3};                // the 3rd operation fails
//
// to_string() prints a plan as the C++ that makes it, so a failure found by a loop over
// plans (testing/fail_matrix.h) pastes into a unit test as it is.
//
// Thread safety: a value type.
#ifndef KIT_FAKES_FAULT_PLAN_H_
#define KIT_FAKES_FAULT_PLAN_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kit/time.h"

namespace kit::fakes {

// FaultDirection: inbound is what the peer sends (data_received() going up), outbound
// what the protocol writes (going down).
enum class FaultDirection { inbound, outbound };

// FaultEnding: how an injected fault ends the connection. reset: abortively, at once --
// the transport below is aborted, unsent data dropped, and the protocol hears
// errc::connection_lost, as after a TCP reset. close: cleanly -- nothing more passes in
// the faulted direction, what was already written is sent, and the connection closes
// (lose_connection() below; the protocol hears what that gives, errc::connection_done).
// stall: the connection goes silent, as in a network partition -- nothing more passes
// either way (bytes still held by a delay are lost), and no end is signalled, so only the
// protocol's own timeouts notice; a close or abort the protocol asks for still goes
// through, and so does an end that comes from the transport below.
enum class FaultEnding { reset, close, stall };

// FaultCut: the connection ends once `offset` bytes have passed in `direction`: those
// bytes pass, the byte at `offset` and everything after it does not. A stream of exactly
// `offset` bytes is not cut at all.
struct FaultCut {
  FaultDirection direction = FaultDirection::inbound;
  std::size_t offset = 0;
  FaultEnding ending = FaultEnding::reset;
};

struct FaultPlan {
  // Splitting: each write from above goes down as several writes. piece_sizes, when not
  // empty, gives their sizes in turn, over and over (a 0 counts as 1); otherwise, with
  // max_piece > 0, each size is drawn from 1..max_piece by a generator seeded with `seed`
  // (the same seed gives the same pieces; the connection's own randomness is not used).
  std::vector<std::size_t> piece_sizes = {};
  std::size_t max_piece = 0;
  std::uint64_t seed = 0;
  // Delay: each piece goes down `delay` after the piece before it went down (the first
  // `delay` after its write), on the connection's clock, so a slow link can be played on
  // a FakeClock. Order is kept; held bytes count in write_buffer_size().
  Duration delay = Duration::zero();
  // Cut: the connection ends at a byte offset of one direction.
  std::optional<FaultCut> cut = std::nullopt;
  // fail_operation: the Nth operation (1-based; 0 for none) fails: it does not happen,
  // and the connection ends by fail_ending. An operation is a write() or write_sequence()
  // from the protocol above, or a data_received() from the transport below (Beast's
  // fail_count, for a push-based transport).
  std::size_t fail_operation = 0;
  FaultEnding fail_ending = FaultEnding::reset;

  // injects_nothing: no field is set; the layer passes everything through.
  bool injects_nothing() const noexcept;
};

std::string_view to_string(FaultDirection direction) noexcept;
std::string_view to_string(FaultEnding ending) noexcept;
// to_string: the C++ that makes `plan`, fully qualified
// ("kit::fakes::FaultPlan{.fail_operation = 3}").
std::string to_string(const FaultPlan& plan);

}  // namespace kit::fakes

#endif  // KIT_FAKES_FAULT_PLAN_H_
