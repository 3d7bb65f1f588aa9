// Driving calls: how the fakes keep promise 5 of kit/transport.h (a close request never
// calls back into the protocol from inside the request).
//
// Protocol code runs inside a driving call: a StringTransport's receive(), a FakeClock
// call, a FakeThreadPool result, or drive(fn) for protocol code a test calls directly.
// A fake asked for something while any driving call runs on this thread (a close, a
// resume) defers its completion -- its settle() -- until the outermost driving call
// returns, so one protocol closing another connection never sees that connection's
// connection_lost() from inside its own callback. Deferred fakes settle in the order
// they were asked.
//
// Thread safety: everything is per thread (the test's).
#ifndef KIT_FAKES_DRIVING_H_
#define KIT_FAKES_DRIVING_H_

#include "kit/unique_function.h"

namespace kit::fakes {

// Settleable: a fake that completes deferred requests in settle().
class Settleable {
 public:
  Settleable() = default;
  Settleable(const Settleable&) = delete;
  Settleable& operator=(const Settleable&) = delete;

  // Takes this fake off the thread's list.
  virtual ~Settleable();

  // settle: completes what is pending; called when no driving call runs.
  virtual void settle() = 0;

 private:
  friend void settle_later(Settleable& fake);
  friend void settle_deferred();
  bool queued_ = false;
};

// DrivingScope: marks protocol code running on this thread while it lives.
class DrivingScope {
 public:
  DrivingScope() noexcept;
  ~DrivingScope();
  DrivingScope(const DrivingScope&) = delete;
  DrivingScope& operator=(const DrivingScope&) = delete;
};

// driving: whether a driving call runs on this thread.
bool driving() noexcept;

// settle_later: `fake` settles once the outermost driving call returns (now, if none
// runs).
void settle_later(Settleable& fake);

// settle_deferred: settles the fakes waiting, in order, when no driving call runs.
void settle_deferred();

// drive: runs `fn` as a driving call, then settles what it asked for.
void drive(unique_function<void()> fn);

}  // namespace kit::fakes

#endif  // KIT_FAKES_DRIVING_H_
