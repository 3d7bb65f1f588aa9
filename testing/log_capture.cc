#include "testing/log_capture.h"

namespace kit::testing {

LogCapture::LogCapture() {
  previous_ = set_log_sink([this](LogLevel level, std::string_view message) {
    std::lock_guard lock(mutex_);
    entries_.push_back({level, std::string(message)});
  });
}

LogCapture::~LogCapture() { set_log_sink(std::move(previous_)); }

std::vector<LogCapture::Entry> LogCapture::entries() const {
  std::lock_guard lock(mutex_);
  return entries_;
}

std::vector<std::string> LogCapture::at(LogLevel level) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const Entry& entry : entries_) {
    if (entry.level == level) out.push_back(entry.message);
  }
  return out;
}

std::vector<std::string> LogCapture::errors() const { return at(LogLevel::error); }
std::vector<std::string> LogCapture::warnings() const { return at(LogLevel::warning); }

void LogCapture::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

}  // namespace kit::testing
