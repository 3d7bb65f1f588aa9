// The transport conformance suite (testing/conformance) over a SessionRecorder: recording
// a connection must keep every promise of kit/transport.h that the transport under it
// keeps. Each connection's transcript is also read back whole, and no recorder may have
// had an event refused, so every sequence the suite drives is one the format allows.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "testing/conformance/loopback_harness.h"
#include "testing/conformance/string_transport_harness.h"
#include "testing/conformance/transport_conformance.h"
#include "testing/conformance/wrapped_harness.h"
#include "testing/transcript/session_recorder.h"
#include "testing/transcript/transcript_error.h"
#include "testing/transcript/transcript_reader.h"
#include "testing/transcript/transcript_writer.h"

namespace kit::testing::transcript {
namespace {

// A recorder that fails the test if its recording stopped early.
class CheckedRecorder final : public SessionRecorder {
 public:
  using SessionRecorder::SessionRecorder;
  ~CheckedRecorder() override {
    if (recording_error()) ADD_FAILURE() << "session " << session() << ": " << *recording_error();
  }
};

// One writer for a harness's connections; read back when the harness is gone.
class Recording {
 public:
  Recording() : writer_(out_) {}
  ~Recording() {
    writer_.close();
    std::istringstream in(out_.str());
    try {
      TranscriptReader reader(in);
      while (reader.next()) {
      }
    } catch (const TranscriptError& e) {
      ADD_FAILURE() << "the recorded transcript does not read back: " << e.what() << "\n"
                    << out_.str();
    }
  }

  std::unique_ptr<Protocol> wrap(std::unique_ptr<Protocol> protocol) {
    return std::make_unique<CheckedRecorder>(
        std::move(protocol), writer_,
        SessionRecorder::Options{.session = ++sessions_, .origin = &origin_});
  }

 private:
  std::ostringstream out_;
  TranscriptWriter writer_;
  SessionId sessions_ = 0;
  std::optional<TimePoint> origin_;
};

std::unique_ptr<ConformanceHarness> recorded(std::string name,
                                             std::unique_ptr<ConformanceHarness> inner) {
  auto recording = std::make_shared<Recording>();
  std::vector<WrappedHarness::Wrap> layers = {[recording](std::unique_ptr<Protocol> protocol) {
    return recording->wrap(std::move(protocol));
  }};
  return std::make_unique<WrappedHarness>(std::move(name), std::move(inner), std::move(layers));
}

}  // namespace
}  // namespace kit::testing::transcript

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(SessionRecorder, [] {
  return kit::testing::transcript::recorded(
      "SessionRecorder", std::make_unique<kit::testing::StringTransportHarness>());
});

KIT_INSTANTIATE_TRANSPORT_CONFORMANCE(SessionRecorderOverLoopback, [] {
  return kit::testing::transcript::recorded(
      "SessionRecorder over the loopback pair",
      std::make_unique<kit::testing::LoopbackHarness>(
          kit::testing::LoopbackHarness::Options{.seed = 3, .max_chunk = 4}));
});
