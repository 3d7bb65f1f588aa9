// The kit's time types: a monotonic time point and a duration, both in nanoseconds.
//
// Every Clock (the live reactor's, FakeClock) speaks these. They are std::chrono types on
// the steady clock's epoch, so a live clock reads std::chrono::steady_clock and a fake one
// starts at TimePoint{} and moves only when a test says.
#ifndef KIT_TIME_H_
#define KIT_TIME_H_

#include <chrono>

namespace kit {

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::time_point<std::chrono::steady_clock, Duration>;

}  // namespace kit

#endif  // KIT_TIME_H_
