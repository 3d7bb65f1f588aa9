// LogCapture: collects what kit::log receives while it is alive, instead of failing the
// test (see test_main.cc), so a test can assert on what was logged.
//
//   kit::testing::LogCapture log;
//   ... code that logs ...
//   EXPECT_THAT(log.errors(), ElementsAre(HasSubstr("Unhandled error in Deferred")));
//
// Thread safety: messages may be logged from any thread; read them on the test's thread
// once those threads are done.
#ifndef KIT_TESTING_LOG_CAPTURE_H_
#define KIT_TESTING_LOG_CAPTURE_H_

#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "kit/log.h"

namespace kit::testing {

class LogCapture {
 public:
  LogCapture();
  ~LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  struct Entry {
    LogLevel level;
    std::string message;
  };

  std::vector<Entry> entries() const;
  // errors / warnings: the messages logged at that level.
  std::vector<std::string> errors() const;
  std::vector<std::string> warnings() const;
  void clear();

 private:
  std::vector<std::string> at(LogLevel level) const;

  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
  LogSink previous_;
};

}  // namespace kit::testing

#endif  // KIT_TESTING_LOG_CAPTURE_H_
