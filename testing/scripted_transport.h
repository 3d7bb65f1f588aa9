// ScriptedTransport: a transport that plays a script against one protocol and fails the
// test at once when the protocol strays from it (tokio-test's io::Builder mock, for a
// push-based protocol).
//
//   kit::fakes::FakeContext context;
//   kit::testing::ScriptedTransport transport(context);
//   transport.expect_write("HELLO\r\n")                    // the greeting, on connect
//       .deliver("PING\r\n")
//       .expect_write("PONG\r\n")
//       .advance(context.clock(), std::chrono::seconds(5))  // the idle timer
//       .expect_write("BYE\r\n")
//       .expect_close();
//   transport.run(protocol);
//
// run() connects the protocol and plays the steps in order. deliver(), deliver_eof(),
// advance() and peer_close() / peer_reset() are the test's moves; expect_write(),
// expect_close(), expect_half_close() and expect_abort() are the protocol's, and are
// matched as the protocol makes them, from inside whichever move made it act. An expected
// write may come in several writes, and one write may cover several expected ones.
//
// It fails at once, with a GoogleTest failure (ADD_FAILURE, so EXPECT_NONFATAL_FAILURE
// sees it) naming the step ("step 3 of 6, expect_write(\"PONG\\r\\n\")") and showing the
// expected and actual bytes, escaped:
//  - on a write that does not match the expected bytes, or that comes when the step is
//    not a write (or after the end of the script);
//  - on a close, half-close or abort that the script does not expect there;
//  - when the test's move comes up while the protocol still owes an expected step (the
//    protocol did not write, or close, what the script says it would by then);
//  - at the end of run(), on steps left over.
// After a failure it plays no more, ignores the protocol, and ends the connection
// (connection_lost(errc::connection_aborted)). A script never run fails the test when the
// transport is destroyed.
//
// As a transport it keeps kit/transport.h's order (connection_lost() comes after the move
// in which the protocol asked to close, never from inside the request) and ignores
// writes after a close. It holds no write buffer (write_buffer_size() is 0), so a producer
// is never paused; a deliver() while reading is paused is a failure, as the protocol
// would never read it.
//
// Thread safety: the test's thread.
#ifndef KIT_TESTING_SCRIPTED_TRANSPORT_H_
#define KIT_TESTING_SCRIPTED_TRANSPORT_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/driving.h"
#include "fakes/fake_clock.h"
#include "fakes/fake_context.h"
#include "kit/address.h"
#include "kit/context.h"
#include "kit/delayed_call.h"
#include "kit/failure.h"
#include "kit/protocol.h"
#include "kit/time.h"
#include "kit/transport.h"

namespace kit::testing {

class ScriptedTransport final : public Transport, private fakes::Settleable {
 public:
  // With a FakeContext of its own, or `context` (which must outlive it).
  ScriptedTransport();
  explicit ScriptedTransport(fakes::FakeContext& context);
  ScriptedTransport(const ScriptedTransport&) = delete;
  ScriptedTransport& operator=(const ScriptedTransport&) = delete;
  ~ScriptedTransport() override;

  // ---- the script (each returns *this, to chain)

  // expect_write: the protocol writes exactly `bytes` next.
  ScriptedTransport& expect_write(std::string_view bytes);
  // deliver: the peer sends `bytes`: one data_received().
  ScriptedTransport& deliver(std::string_view bytes);
  // deliver_eof: the peer half-closes: read_connection_lost().
  ScriptedTransport& deliver_eof();
  // advance: `clock` moves on by `by` (the protocol's timers run). The clock must outlive
  // the transport. Without a clock: the context's.
  ScriptedTransport& advance(fakes::FakeClock& clock, Duration by);
  ScriptedTransport& advance(Duration by);
  // expect_close / expect_half_close / expect_abort: the protocol calls lose_connection(),
  // half_close(), abort_connection() next.
  ScriptedTransport& expect_close();
  ScriptedTransport& expect_half_close();
  ScriptedTransport& expect_abort();
  // peer_close / peer_reset: the connection ends from the other side:
  // connection_lost(errc::connection_done) or (errc::connection_lost).
  ScriptedTransport& peer_close();
  ScriptedTransport& peer_reset();

  // ---- playing it

  // run: connects `protocol` (which must outlive the transport) and plays the script;
  // then fails on any step left over.
  void run(Protocol& protocol);
  // failed: a failure was reported. remaining: steps not played.
  bool failed() const noexcept { return failed_; }
  std::size_t remaining() const noexcept { return steps_.size() - next_; }
  // lost_reason: what connection_lost() was given, once it was.
  const std::optional<Failure>& lost_reason() const noexcept { return lost_reason_; }

  // ---- Transport
  void write(std::string_view data) override;
  void lose_connection() override;
  void abort_connection() override;
  void half_close() override;
  Address peer() const override { return Address::memory("scripted peer"); }
  Address host() const override { return Address::memory("scripted"); }
  void pause_reading() override { paused_ = true; }
  void resume_reading() override { paused_ = false; }
  void register_producer(Producer& producer) override { producer_ = &producer; }
  void unregister_producer() override { producer_ = nullptr; }
  std::size_t write_buffer_size() const override { return 0; }
  void set_write_buffer_limits(std::size_t, std::size_t) override {}
  void set_back_pressure(bool) override {}
  bool disconnecting() const override { return closing_.has_value() || lost_; }
  Context& context() override { return *context_; }

 private:
  enum class Kind {
    expect_write,
    deliver,
    deliver_eof,
    advance,
    expect_close,
    expect_half_close,
    expect_abort,
    peer_close,
    peer_reset
  };
  struct Step {
    Kind kind = Kind::deliver;
    std::string bytes = {};  // expect_write, deliver
    fakes::FakeClock* clock = nullptr;
    Duration by{};
  };

  ScriptedTransport& add(Step step);
  static bool is_expectation(Kind kind) noexcept;
  // describe: "step 3 of 6, expect_write(\"PONG\\r\\n\")", or "after the end of the script".
  std::string describe(std::size_t index) const;
  std::string describe_step(const Step& step) const;
  void fail(const std::string& message);
  // expect: the protocol did `kind`; checks it against the next step.
  void expect(Kind kind, std::string_view request);
  // play: the test's move at the head of the script.
  void play(const Step& step);
  // settle: delivers connection_lost() for a close the protocol asked for.
  void settle() override;
  // schedule_settle: settle() once the protocol's code has returned (promise 5): after
  // the driving call or FakeClock call in progress, after run()'s move, or now.
  void schedule_settle();
  void end(Failure reason);

  std::unique_ptr<fakes::FakeContext> own_context_;
  fakes::FakeContext* context_;
  std::vector<Step> steps_;
  std::size_t next_ = 0;
  std::size_t matched_ = 0;  // bytes of the next expect_write already written
  Protocol* protocol_ = nullptr;
  Producer* producer_ = nullptr;
  bool ran_ = false;
  bool playing_ = false;  // run() is playing the script
  bool eof_received_ = false;
  bool failed_ = false;
  bool paused_ = false;
  bool write_shut_ = false;
  bool lost_ = false;
  std::optional<Failure> closing_;  // the reason connection_lost() will get
  std::optional<Failure> lost_reason_;
  DelayedCall settle_call_;
};

// escape_bytes: `bytes` as a C string literal's body: printable ASCII as it is, \r \n \t
// \\ \" by name, anything else as \xHH.
std::string escape_bytes(std::string_view bytes);

}  // namespace kit::testing

#endif  // KIT_TESTING_SCRIPTED_TRANSPORT_H_
