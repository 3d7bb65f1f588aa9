#include "examples/protokit/progress_bar.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>

namespace protokit_cli {
namespace {

// Products like done * elapsed overflow 64 bits for large transfers; 128 do not.
using wide = unsigned __int128;

std::string printf_string(const char* format, auto... args) {
  std::array<char, 64> buffer;
  int n = std::snprintf(buffer.data(), buffer.size(), format, args...);
  return std::string(buffer.data(), static_cast<std::size_t>(std::max(n, 0)));
}

std::string shown_name(std::string_view name) {
  bool cut = name.size() > max_name_bytes;
  if (cut) {
    std::size_t keep = max_name_bytes - 3;
    // Never cut a UTF-8 character in two: back off over continuation bytes (10xxxxxx).
    while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;
    name = name.substr(0, keep);
  }
  std::string out;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7F) ? '?' : c;
  }
  if (cut) out += "...";
  return out;
}

std::string format_time_left(std::uint64_t seconds) {
  constexpr std::uint64_t most = 100 * 3600 - 1;  // 99:59:59
  if (seconds > most) return ">100h left";
  std::uint64_t h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
  using ull = unsigned long long;
  if (h > 0) return printf_string("%llu:%02llu:%02llu left", ull(h), ull(m), ull(s));
  return printf_string("%llu:%02llu left", ull(m), ull(s));
}

}  // namespace

bool show_progress(std::optional<bool> forced, bool stderr_is_tty) {
  return forced.value_or(stderr_is_tty);
}

std::string format_bytes(std::uint64_t bytes) {
  if (bytes < 1024) return printf_string("%llu B", static_cast<unsigned long long>(bytes));
  static constexpr std::array<const char*, 6> units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  // Three significant digits; a value that would round to 1024 shows as 1.00 of the next.
  while (value >= 1023.5 && unit + 1 < units.size()) {
    value /= 1024;
    ++unit;
  }
  int decimals = value < 9.995 ? 2 : value < 99.95 ? 1 : 0;
  return printf_string("%.*f %s", decimals, value, units[unit]);
}

std::string format_progress(std::string_view name, std::uint64_t done, std::uint64_t total,
                            kit::Duration elapsed) {
  const bool complete = done >= total;
  const std::uint64_t counted = std::min(done, total);
  const std::size_t filled =
      complete ? bar_width : static_cast<std::size_t>(wide(counted) * bar_width / total);
  const unsigned percent = complete ? 100 : static_cast<unsigned>(wide(counted) * 100 / total);

  std::string line = shown_name(name);
  line += "  [";
  line.append(filled, '#');
  line.append(bar_width - filled, ' ');
  line += "]  ";
  line += format_bytes(done);
  line += " / ";
  line += format_bytes(total);
  line += printf_string("  %u%%  ", percent);

  const auto ns = static_cast<std::uint64_t>(std::max<kit::Duration::rep>(elapsed.count(), 0));
  if (ns == 0 || done == 0) {
    line += "-- B/s  ";
    line += complete ? "0:00 left" : "-:-- left";
    return line;
  }
  wide rate = wide(done) * 1'000'000'000 / ns;  // bytes per second
  line += format_bytes(rate > UINT64_MAX ? UINT64_MAX : static_cast<std::uint64_t>(rate));
  line += "/s  ";
  // Time left at the average rate so far, rounded up so that 0:00 means done.
  wide left_ns = (wide(total - counted) * ns + done - 1) / done;
  wide left_s = (left_ns + 999'999'999) / 1'000'000'000;
  line += format_time_left(left_s > UINT64_MAX ? UINT64_MAX : static_cast<std::uint64_t>(left_s));
  return line;
}

ProgressBar::ProgressBar(kit::Clock& clock, FILE* out) : clock_(clock), out_(out) {}

void ProgressBar::start(std::string_view name, std::uint64_t total) {
  if (running_) finish();
  running_ = true;
  name_ = name;
  total_ = total;
  done_ = 0;
  started_ = clock_.now();
  last_length_ = 0;
  draw();
}

void ProgressBar::update(std::uint64_t done) {
  if (!running_) return;
  done_ = done;
  if (clock_.now() - last_draw_ >= redraw_interval) draw();
}

void ProgressBar::finish() {
  if (!running_) return;
  draw();
  std::fputc('\n', out_);
  std::fflush(out_);
  running_ = false;
}

void ProgressBar::draw() {
  last_draw_ = clock_.now();
  std::string line = format_progress(name_, done_, total_, last_draw_ - started_);
  const std::size_t length = line.size();
  // A shorter line than the one on screen leaves its tail; blank it.
  if (length < last_length_) line.append(last_length_ - length, ' ');
  last_length_ = length;
  std::fputc('\r', out_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

}  // namespace protokit_cli
