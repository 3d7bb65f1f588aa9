// ProgressBar: the one-line progress display of a transfer on standard error
// (specs/cli.md: drawn only when standard error is a terminal, or with --progress).
//
//   a.bin  [##########          ]  12.0 MiB / 24.0 MiB  50%  6.00 MiB/s  0:02 left
//
// The line is redrawn in place with '\r', at most every 200 ms of the given clock, so a
// fast transfer does not spend its time writing to the terminal; finish() draws the final
// state and ends the line. Time comes only from the kit::Clock, so tests drive it with a
// FakeClock.
//
// Thread safety: one thread (the clock's).
#ifndef EXAMPLES_PROTOKIT_PROGRESS_BAR_H_
#define EXAMPLES_PROTOKIT_PROGRESS_BAR_H_

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "kit/clock.h"
#include "kit/time.h"

namespace protokit_cli {

// show_progress: whether to draw progress bars. `forced` is true for --progress, false for
// --no-progress and empty when neither was given; then only a terminal gets them.
bool show_progress(std::optional<bool> forced, bool stderr_is_tty);

// format_bytes: a size for people, in binary units with three significant digits:
// "0 B", "512 B", "1023 B", "12.0 KiB", "12.0 MiB", "1.50 GiB", "512 KiB".
std::string format_bytes(std::uint64_t bytes);

// format_progress: one progress line, without '\r' or '\n'.
// - `total` 0 is an empty transfer: complete from the start.
// - `done` beyond `total` shows the real `done` but counts as complete (100%, 0:00 left).
// - With no time elapsed, or nothing done yet, the rate and time left are unknown
//   ("-- B/s", "-:-- left").
// - A name longer than max_name_bytes is cut (at a UTF-8 character boundary) and ends in
//   "..."; control characters in it are shown as '?', so a name cannot move the cursor.
inline constexpr std::size_t max_name_bytes = 24;
inline constexpr std::size_t bar_width = 20;
std::string format_progress(std::string_view name, std::uint64_t done, std::uint64_t total,
                            kit::Duration elapsed);

class ProgressBar {
 public:
  static constexpr kit::Duration redraw_interval = std::chrono::milliseconds(200);

  // The bar writes to `out` (not owned; usually stderr) and reads time from `clock`.
  ProgressBar(kit::Clock& clock, FILE* out);
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // start: begins a bar for `name` of `total` bytes and draws it. A bar still running is
  // finished first.
  void start(std::string_view name, std::uint64_t total);

  // update: `done` bytes are through; redraws if redraw_interval has passed since the last
  // draw. Does nothing before start().
  void update(std::uint64_t done);

  // finish: draws the final state and ends the line. Does nothing when no bar is running.
  void finish();

  // running: between start() and finish().
  bool running() const noexcept { return running_; }

 private:
  void draw();

  kit::Clock& clock_;
  FILE* out_;
  bool running_ = false;
  std::string name_;
  std::uint64_t total_ = 0;
  std::uint64_t done_ = 0;
  kit::TimePoint started_{};
  kit::TimePoint last_draw_{};
  std::size_t last_length_ = 0;  // of the line on screen, to blank what a shorter one leaves
};

}  // namespace protokit_cli

#endif  // EXAMPLES_PROTOKIT_PROGRESS_BAR_H_
