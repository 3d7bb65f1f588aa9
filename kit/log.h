// The kit's log: where the kit reports what nobody asked about (an unhandled failure in
// a Deferred, an exception escaping a callback, a connection refused by a factory).
//
// Messages go to a sink, standard error by default ("protokit: warning: ..."). Tests
// install a sink that turns errors into test failures (testing/test_main.cc).
//
// Thread safety: log() and set_log_sink() may be called from any thread.
#ifndef KIT_LOG_H_
#define KIT_LOG_H_

#include <functional>
#include <string_view>

namespace kit {

enum class LogLevel { debug, info, warning, error };

using LogSink = std::function<void(LogLevel level, std::string_view message)>;

// log: sends `message` to the sink.
void log(LogLevel level, std::string_view message);

// set_log_sink: replaces the sink (an empty one restores standard error) and returns
// the previous one.
LogSink set_log_sink(LogSink sink);

// log_level_name: "debug", "info", "warning", "error".
std::string_view log_level_name(LogLevel level) noexcept;

}  // namespace kit

#endif  // KIT_LOG_H_
