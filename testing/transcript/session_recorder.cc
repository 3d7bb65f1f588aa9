#include "testing/transcript/session_recorder.h"

#include <algorithm>
#include <string>
#include <utility>

#include "kit/log.h"
#include "testing/transcript/transcript_error.h"

namespace kit::testing::transcript {

// ---- the recorder's context

TimePoint SessionRecorder::RecordingClock::now() const {
  // The value is what a replay hands back, so it is the event's time as well: inside a
  // callback, the time of the event being handled (event_time()), as for what the
  // protocol writes then; events of a session never go back in time.
  TimePoint value = recorder_.event_time();
  recorder_.record(ClockRead{.session = recorder_.session(), .t = recorder_.since_start(value)});
  return value;
}

DelayedCall SessionRecorder::RecordingClock::schedule(TimePoint deadline,
                                                      unique_function<void()> fn) {
  // Clock::call_later() just read now() through this clock, at the transport's instant:
  // the same delay on the transport's clock keeps the deadline (without a read recorded).
  Clock& real = recorder_.real_context().clock();
  Duration delay = std::max(Duration::zero(), deadline - real.now());
  return real.call_later(delay, std::move(fn));
}

void SessionRecorder::RecordingRandom::fill(std::span<std::byte> out) {
  recorder_.real_context().random().fill(out);
  recorder_.record(RandomDraw{
      .session = recorder_.session(),
      .t = recorder_.since_start(recorder_.event_time()),
      .bytes = std::string(reinterpret_cast<const char*>(out.data()), out.size()),
  });
}

ThreadPool& SessionRecorder::RecordingContext::thread_pool() {
  return recorder_.real_context().thread_pool();
}

// ---- the recorder

SessionRecorder::SessionRecorder(std::unique_ptr<Protocol> wrapped, TranscriptWriter& writer,
                                 Options options, WrappingFactory* factory)
    : ProtocolWrapper(std::move(wrapped), factory), writer_(writer), options_(std::move(options)) {}

SessionRecorder::~SessionRecorder() = default;

Duration SessionRecorder::since_start(TimePoint at) const {
  return std::max(Duration::zero(), at - start_);
}

void SessionRecorder::record(const Event& event) {
  if (!recording()) return;
  try {
    writer_.write(event);
  } catch (const TranscriptError& e) {
    error_ = e.what();
    // Said at once: the transcript would otherwise just show the session left open.
    log(LogLevel::warning, "recording of session " + std::to_string(session()) +
                               " stopped: " + *error_);
  }
}

void SessionRecorder::record_data(Side from, std::string_view bytes) {
  record(Data{.session = session(),
              .t = since_start(event_time()),
              .from = from,
              .bytes = std::string(bytes)});
}

bool SessionRecorder::may_close(const std::optional<CloseKind>& before, CloseKind how) noexcept {
  return !before || (*before == CloseKind::fin && how != CloseKind::fin);
}

void SessionRecorder::record_close(Side by, CloseKind how) {
  std::optional<CloseKind>& state = by == Side::host ? host_closed_ : peer_closed_;
  if (ended_ || !may_close(state, how)) return;
  state = how;
  record(Close{.session = session(), .t = since_start(event_time()), .by = by, .how = how});
}

bool SessionRecorder::host_sends() const {
  return started_ && !ended_ && !host_closed_ && !lower().disconnecting();
}

void SessionRecorder::connection_made() {
  start_ = real_now();
  Duration start{0};
  if (options_.origin != nullptr) {
    if (!options_.origin->has_value()) *options_.origin = start_;
    start = std::max(Duration::zero(), start_ - **options_.origin);
  }
  started_ = true;
  const Cause cause(*this, start_);
  record(SessionStart{.session = session(),
                      .start = start,
                      .role = options_.role,
                      .host = lower().host().to_string(),
                      .peer = lower().peer().to_string(),
                      .meta = options_.meta});
  ProtocolWrapper::connection_made();
}

void SessionRecorder::data_received(std::string_view data) {
  const Cause cause(*this, real_now());
  if (!ended_) record_data(Side::peer, data);
  ProtocolWrapper::data_received(data);
}

void SessionRecorder::read_connection_lost() {
  const Cause cause(*this, real_now());
  record_close(Side::peer, CloseKind::fin);
  ProtocolWrapper::read_connection_lost();
}

void SessionRecorder::connection_lost(const Failure& reason) {
  const Cause cause(*this, real_now());
  if (reason.is(errc::connection_done)) {
    // A clean end the host did not start is the peer's close.
    if (!host_closed_ && !peer_closed_) record_close(Side::peer, CloseKind::fin);
  } else if (reason.is(errc::connection_aborted)) {
    // Our side dropped it: the protocol, a layer below, or the reactor stopping.
    if (host_closed_ != CloseKind::abort) record_close(Side::host, CloseKind::abort);
  } else if (!host_closed_ || host_closed_ == CloseKind::fin) {
    record_close(Side::peer, CloseKind::reset);
  }
  // The protocol may still read its clock while it hears the end.
  ProtocolWrapper::connection_lost(reason);
  record(SessionEnd{.session = session(), .t = since_start(event_time())});
  ended_ = true;
}

void SessionRecorder::write(std::string_view data) {
  if (host_sends()) record_data(Side::host, data);
  ProtocolWrapper::write(data);
}

void SessionRecorder::write_sequence(std::span<const std::string_view> pieces) {
  if (host_sends()) {
    // One call, one instant: every piece at the same time.
    const Cause cause(*this, event_time());
    for (std::string_view piece : pieces) record_data(Side::host, piece);
  }
  ProtocolWrapper::write_sequence(pieces);
}

void SessionRecorder::lose_connection() {
  if (started_) record_close(Side::host, CloseKind::fin);
  ProtocolWrapper::lose_connection();
}

void SessionRecorder::abort_connection() {
  if (started_) record_close(Side::host, CloseKind::abort);
  ProtocolWrapper::abort_connection();
}

void SessionRecorder::half_close() {
  if (started_) record_close(Side::host, CloseKind::fin);
  ProtocolWrapper::half_close();
}

// ---- the factory

RecordingFactory::RecordingFactory(Factory& wrapped, TranscriptWriter& writer, Options options)
    : WrappingFactory(wrapped),
      writer_(writer),
      options_(std::move(options)),
      next_(options_.first_session) {}

std::unique_ptr<ProtocolWrapper> RecordingFactory::wrap(std::unique_ptr<Protocol> protocol) {
  return std::make_unique<SessionRecorder>(
      std::move(protocol), writer_,
      SessionRecorder::Options{
          .session = next_++, .role = options_.role, .meta = options_.meta, .origin = &origin_},
      this);
}

}  // namespace kit::testing::transcript
