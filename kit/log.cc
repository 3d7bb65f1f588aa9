#include "kit/log.h"

#include <cstdio>
#include <mutex>
#include <string>
#include <utility>

namespace kit {
namespace {

std::mutex& sink_mutex() {
  static std::mutex mutex;
  return mutex;
}

LogSink& current_sink() {
  static LogSink sink;
  return sink;
}

void write_to_stderr(LogLevel level, std::string_view message) {
  std::string line = "protokit: ";
  line += log_level_name(level);
  line += ": ";
  line += message;
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace

std::string_view log_level_name(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warning:
      return "warning";
    case LogLevel::error:
      return "error";
  }
  return "unknown";
}

void log(LogLevel level, std::string_view message) {
  LogSink sink;
  {
    std::lock_guard lock(sink_mutex());
    sink = current_sink();
  }
  if (sink) {
    sink(level, message);
  } else {
    write_to_stderr(level, message);
  }
}

LogSink set_log_sink(LogSink sink) {
  std::lock_guard lock(sink_mutex());
  return std::exchange(current_sink(), std::move(sink));
}

}  // namespace kit
