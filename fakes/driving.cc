#include "fakes/driving.h"

#include <algorithm>
#include <deque>

namespace kit::fakes {
namespace {

// Driving calls in progress on this thread.
thread_local int depth = 0;
// Fakes asked for something while protocol code ran, in the order asked.
thread_local std::deque<Settleable*> waiting;
// Whether settle_deferred() is draining the list (settling one may queue others).
thread_local bool draining = false;

}  // namespace

Settleable::~Settleable() {
  if (queued_) std::erase(waiting, this);
}

DrivingScope::DrivingScope() noexcept { ++depth; }
DrivingScope::~DrivingScope() { --depth; }

bool driving() noexcept { return depth > 0; }

void settle_later(Settleable& fake) {
  if (!fake.queued_) {
    fake.queued_ = true;
    waiting.push_back(&fake);
  }
  settle_deferred();
}

void settle_deferred() {
  if (draining) return;  // the loop below picks up what was added
  draining = true;
  struct Reset {
    ~Reset() { draining = false; }
  } reset;
  while (depth == 0 && !waiting.empty()) {
    Settleable* fake = waiting.front();
    waiting.pop_front();
    fake->queued_ = false;
    fake->settle();
  }
}

void drive(unique_function<void()> fn) {
  {
    DrivingScope scope;
    fn();
  }
  settle_deferred();
}

}  // namespace kit::fakes
