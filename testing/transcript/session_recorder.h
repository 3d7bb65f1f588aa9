// SessionRecorder: a layer (kit/protocol_wrapper.h) that writes one connection into a
// TranscriptWriter as it happens (FORMAT.md, "Recording"), like Envoy's tap socket.
//
//   TranscriptWriter out("line.transcript");
//   SessionRecorder recorder(std::make_unique<LineProtocol>(), out, {.session = 1});
//   transport.connect(recorder);
//
// What it writes, stamped from the connection's clock relative to the session's start
// (what the protocol writes or closes while handling an event -- data, the peer's close,
// the connection made or lost -- carries that event's time, and the pieces of one
// write_sequence() one time: see event_time()):
//  - `session` at connection_made() (role, the transport's host() and peer());
//  - `data` from the peer for every data_received(), from the host for every write() of
//    the protocol above (each piece of a write_sequence() its own chunk) that the
//    transport takes -- not those it ignores after a close;
//  - `close` by the host for the protocol's lose_connection() and half_close() (fin) and
//    abort_connection() (abort); by the peer for read_connection_lost() (fin), and from
//    connection_lost()'s reason for what was not seen before: connection_done is the
//    peer's fin, connection_aborted our side's abort, anything else the peer's reset;
//  - `now` and `random` for every value the protocol draws: the recorder puts a context
//    of its own in front of the protocol (context()), whose clock records each now()
//    read (call_later() reads it once too, so a replayed clock sees the same reads) and
//    whose Random records each fill(), both forwarding to the transport's context;
//  - `end` once connection_lost() has been passed up.
//
// A recording that fails (the writer's stream failed, or refused an event) stops that
// session's recording and keeps the connection going: recording_error() says why.
//
// RecordingFactory wraps every protocol of a factory in a recorder, each connection a
// fresh session of one shared writer, so several connections interleave in one file.
//
// Thread safety: the reactor's thread only (the writer is shared by its connections).
#ifndef KIT_TESTING_TRANSCRIPT_SESSION_RECORDER_H_
#define KIT_TESTING_TRANSCRIPT_SESSION_RECORDER_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "kit/clock.h"
#include "kit/context.h"
#include "kit/factory.h"
#include "kit/failure.h"
#include "kit/protocol.h"
#include "kit/protocol_wrapper.h"
#include "kit/random.h"
#include "kit/time.h"
#include "kit/wrapping_factory.h"
#include "testing/transcript/event.h"
#include "testing/transcript/transcript_writer.h"

namespace kit::testing::transcript {

struct SessionRecorderOptions {
  SessionId session = 1;
  Role role = Role::server;
  // The session line's meta.
  Meta meta{};
  // The file's origin, shared by the sessions of one writer: when it points to an empty
  // value, the first session to start sets it to its own start. Null: this session
  // starts at 0.
  std::optional<TimePoint>* origin = nullptr;
};

class SessionRecorder : public ProtocolWrapper {
 public:
  using Options = SessionRecorderOptions;

  // `writer` (and `factory`, if any) must outlive the recorder.
  SessionRecorder(std::unique_ptr<Protocol> wrapped, TranscriptWriter& writer, Options options,
                  WrappingFactory* factory = nullptr);
  ~SessionRecorder() override;

  SessionId session() const noexcept { return options_.session; }
  // recording_error: why this session's recording stopped early, if it did.
  const std::optional<std::string>& recording_error() const noexcept { return error_; }

  // ---- Protocol, from below.
  void connection_made() override;
  void data_received(std::string_view data) override;
  void read_connection_lost() override;
  void connection_lost(const Failure& reason) override;

  // ---- Transport, from above.
  void write(std::string_view data) override;
  void write_sequence(std::span<const std::string_view> pieces) override;
  void lose_connection() override;
  void abort_connection() override;
  void half_close() override;
  Context& context() override { return context_; }

 private:
  // The clock the protocol above sees: the transport's, with every now() recorded.
  class RecordingClock final : public Clock {
   public:
    explicit RecordingClock(SessionRecorder& recorder) : recorder_(recorder) {}
    TimePoint now() const override;

   protected:
    DelayedCall schedule(TimePoint deadline, unique_function<void()> fn) override;

   private:
    SessionRecorder& recorder_;
  };

  // The Random the protocol above sees: the transport's, with every fill() recorded.
  class RecordingRandom final : public Random {
   public:
    explicit RecordingRandom(SessionRecorder& recorder) : recorder_(recorder) {}
    void fill(std::span<std::byte> out) override;

   private:
    SessionRecorder& recorder_;
  };

  class RecordingContext final : public Context {
   public:
    explicit RecordingContext(SessionRecorder& recorder)
        : recorder_(recorder), clock_(recorder), random_(recorder) {}
    Clock& clock() override { return clock_; }
    Random& random() override { return random_; }
    ThreadPool& thread_pool() override;

   private:
    SessionRecorder& recorder_;
    RecordingClock clock_;
    RecordingRandom random_;
  };

  Context& real_context() { return lower().context(); }
  TimePoint real_now() { return real_context().clock().now(); }
  // since_start: the event time of `at` in this session.
  Duration since_start(TimePoint at) const;
  // recording: whether events of this session are still written.
  bool recording() const noexcept { return started_ && !ended_ && !error_; }
  // record: writes `event`; on failure, stops recording this session.
  void record(const Event& event);
  // record_data, record_close: stamped at event_time().
  void record_data(Side from, std::string_view bytes);
  void record_close(Side by, CloseKind how);
  // event_time: when what the protocol does now happened. Inside a callback the recorder
  // passes up (data, the peer's close, the connection made or lost) it is that event's
  // time, however long the protocol takes to answer: on a live clock a reply written
  // microseconds later is still the reply to that chunk, and a replay delivers it at the
  // chunk's time. Elsewhere (a timer, a thread pool's answer) it is now.
  TimePoint event_time() { return cause_ ? *cause_ : real_now(); }
  // Cause: the callback being passed up, for event_time().
  class Cause {
   public:
    Cause(SessionRecorder& recorder, TimePoint at)
        : recorder_(recorder), outer_(std::exchange(recorder.cause_, at)) {}
    ~Cause() { recorder_.cause_ = outer_; }
    Cause(const Cause&) = delete;
    Cause& operator=(const Cause&) = delete;

   private:
    SessionRecorder& recorder_;
    std::optional<TimePoint> outer_;
  };
  // may_close: whether a `how` close of a side that closed `before` (if at all) is one the
  // format allows: a first close, or a fin followed by a reset or an abort.
  static bool may_close(const std::optional<CloseKind>& before, CloseKind how) noexcept;
  // host_sends: whether a write of the protocol now is taken by the transport.
  bool host_sends() const;

  TranscriptWriter& writer_;
  Options options_;
  RecordingContext context_{*this};
  TimePoint start_{};
  bool started_ = false;
  bool ended_ = false;
  std::optional<CloseKind> host_closed_;
  std::optional<CloseKind> peer_closed_;
  std::optional<std::string> error_;
  std::optional<TimePoint> cause_;
};

struct RecordingFactoryOptions {
  Role role = Role::server;
  // The first session's id; each connection takes the next.
  SessionId first_session = 1;
  // Every session line's meta.
  Meta meta{};
};

// RecordingFactory: each protocol of `wrapped` behind a SessionRecorder writing to
// `writer`, session ids in the order the connections were built; the first session's
// start is the file's origin.
class RecordingFactory : public WrappingFactory {
 public:
  using Options = RecordingFactoryOptions;

  // `wrapped` and `writer` must outlive the factory.
  RecordingFactory(Factory& wrapped, TranscriptWriter& writer, Options options = {});

  // sessions: how many sessions (connections) have been given an id.
  std::size_t sessions() const noexcept { return next_ - options_.first_session; }

 protected:
  std::unique_ptr<ProtocolWrapper> wrap(std::unique_ptr<Protocol> protocol) override;

 private:
  TranscriptWriter& writer_;
  Options options_;
  SessionId next_;
  std::optional<TimePoint> origin_;
};

}  // namespace kit::testing::transcript

#endif  // KIT_TESTING_TRANSCRIPT_SESSION_RECORDER_H_
