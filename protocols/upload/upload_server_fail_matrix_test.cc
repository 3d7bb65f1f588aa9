// UploadServer under the fail matrix (testing/fail_matrix.h): an UploadClient sends three
// files to an UploadServer over the loopback pair, and the server's connection is cut at
// every byte it receives, at every byte it sends, and failed at every operation, by reset,
// by close, and by going silent. Whatever breaks:
//  - the MemoryUploadStore holds no partial file and no temporary: every path holds what
//    it held before or a whole file as sent;
//  - every file the client reports stored is in the store, whole;
//  - the client's report comes (done() fires), and a run with no fault stores all three.
// The same holds with the faults on the client's side of the connection (the client
// registers its body producer through the fault layer), and with writes delayed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fakes/fake_context.h"
#include "fakes/loopback.h"
#include "protocols/upload/memory_upload_source.h"
#include "protocols/upload/memory_upload_store.h"
#include "protocols/upload/upload_client.h"
#include "protocols/upload/upload_server.h"
#include "testing/fail_matrix.h"

namespace kit::upload {
namespace {

using ::testing::AssertionFailure;
using ::testing::AssertionResult;
using ::testing::AssertionSuccess;
using ::testing::HasSubstr;

const std::map<std::string, std::string> kFiles = {
    {"empty", ""},
    {"notes/one.txt", "hello one"},
    {"two", "PUT 3 abc x\r\nQUIT\r\n\n\r\xff body"},
};
const std::map<std::string, std::string> kInitial = {{"old", "was here"}};

class UploadServerFailMatrix : public ::testing::Test {
 protected:
  // scenario: one client session of kFiles against a fresh store, the server's connection
  // (or the client's) under the run's faults, run until neither bytes nor the pool's work
  // move.
  testing::FailMatrixScenario scenario(std::size_t max_chunk, bool wrap_client = false) {
    return [this, max_chunk, wrap_client](testing::FaultInjector& faults) {
      store_.emplace();
      for (const auto& [path, content] : kInitial) store_->put(path, content);
      report_.reset();
      fakes::FakeContext context(/*seed=*/5);
      std::vector<UploadItem> items;
      for (const auto& [path, content] : kFiles) {
        items.push_back({std::make_unique<MemoryUploadSource>("local/" + path, content), path});
      }
      UploadClient client(std::move(items));
      (void)client.done().add_callback([this](UploadReport r) { report_ = std::move(r); });
      UploadServer server(*store_, {});
      auto layer = wrap_client ? faults.wrap(client) : faults.wrap(server);
      fakes::LoopbackPair pair(wrap_client ? static_cast<Protocol&>(*layer) : client,
                               wrap_client ? static_cast<Protocol&>(server) : *layer,
                               {.seed = 9, .max_chunk = max_chunk, .context = &context});
      // When nothing moves, time does: delayed writes, and the client's timeout if an
      // answer never comes (bounded, in case a timer re-arms for ever).
      for (std::size_t idle = 0; idle < 100'000;) {
        const std::size_t moved = pair.pump();
        const std::size_t ran = context.thread_pool().run_all();
        if (moved != 0 || ran != 0) continue;
        if (!context.clock().advance_to_next()) break;
        ++idle;
      }
    };
  }

  // no_partial_file: see the top of this file.
  AssertionResult no_partial_file(const testing::FailMatrixRun& run) const {
    if (store_->temporaries() != 0) {
      return AssertionFailure() << store_->temporaries() << " temporaries left in the store";
    }
    for (const auto& [path, content] : store_->files()) {
      const auto initial = kInitial.find(path);
      const auto sent = kFiles.find(path);
      const bool as_before = initial != kInitial.end() && initial->second == content;
      const bool whole = sent != kFiles.end() && sent->second == content;
      if (!as_before && !whole) {
        return AssertionFailure() << "the store holds a partial or foreign file at \"" << path
                                  << "\": " << ::testing::PrintToString(content);
      }
    }
    if (!report_) return AssertionFailure() << "the client's done() never fired";
    for (const UploadResult& result : report_->files) {
      if (result.stored && store_->files().count(result.remote) == 0) {
        return AssertionFailure() << "the client was told " << result.remote
                                  << " was stored, but the store does not have it";
      }
    }
    if (!run.hit && !report_->all_stored()) {
      return AssertionFailure() << "a run with no fault did not store every file: "
                                << report_->connection_error.value_or("(no connection error)");
    }
    return AssertionSuccess();
  }

  testing::FailMatrixInvariant invariant() {
    return [this](const testing::FailMatrixRun& run) { return no_partial_file(run); };
  }

  std::optional<MemoryUploadStore> store_;
  std::optional<UploadReport> report_;
};

TEST_F(UploadServerFailMatrix, ACutAtAnyInboundByteLeavesNoPartialFile) {
  for (fakes::FaultEnding ending : {fakes::FaultEnding::reset, fakes::FaultEnding::close}) {
    const AssertionResult result = testing::run_fail_matrix(
        scenario(/*max_chunk=*/0), invariant(),
        {.mode = testing::FailMatrixMode::inbound_byte, .ending = ending, .bound = 2000});
    EXPECT_TRUE(result);
    EXPECT_THAT(result.message(), HasSubstr("completed with no fault hit"));
  }
}

TEST_F(UploadServerFailMatrix, ACutAtAnyInboundByteOfSmallPiecesLeavesNoPartialFile) {
  EXPECT_TRUE(testing::run_fail_matrix(scenario(/*max_chunk=*/3), invariant(),
                                       {.mode = testing::FailMatrixMode::inbound_byte,
                                        .ending = fakes::FaultEnding::reset,
                                        .bound = 2000}));
}

TEST_F(UploadServerFailMatrix, ACutAtAnyOutboundByteLeavesNoPartialFileAndNoFalseReport) {
  for (fakes::FaultEnding ending : {fakes::FaultEnding::reset, fakes::FaultEnding::close}) {
    EXPECT_TRUE(testing::run_fail_matrix(
        scenario(/*max_chunk=*/0), invariant(),
        {.mode = testing::FailMatrixMode::outbound_byte, .ending = ending, .bound = 2000}));
  }
}

TEST_F(UploadServerFailMatrix, EveryFailedOperationLeavesNoPartialFile) {
  for (std::size_t max_chunk : {0, 4}) {
    for (fakes::FaultEnding ending : {fakes::FaultEnding::reset, fakes::FaultEnding::close}) {
      EXPECT_TRUE(testing::run_fail_matrix(scenario(max_chunk), invariant(),
                                           {.ending = ending, .bound = 2000}));
    }
  }
}

TEST_F(UploadServerFailMatrix, TheClientsOwnConnectionBrokenAnywhereLeavesNoPartialFile) {
  for (testing::FailMatrixMode mode :
       {testing::FailMatrixMode::operation, testing::FailMatrixMode::outbound_byte,
        testing::FailMatrixMode::inbound_byte}) {
    for (fakes::FaultEnding ending : {fakes::FaultEnding::reset, fakes::FaultEnding::close}) {
      EXPECT_TRUE(testing::run_fail_matrix(
          scenario(/*max_chunk=*/2, /*wrap_client=*/true), invariant(),
          {.mode = mode, .ending = ending, .bound = 2000, .base = {.max_piece = 50, .seed = 4}}));
    }
  }
}

// A connection that goes silent at any byte, either way: the client's timeout (30 s on
// the fake clock) ends the session, and the store holds no partial file.
TEST_F(UploadServerFailMatrix, AConnectionThatGoesSilentAtAnyByteLeavesNoPartialFile) {
  for (testing::FailMatrixMode mode :
       {testing::FailMatrixMode::inbound_byte, testing::FailMatrixMode::outbound_byte}) {
    const AssertionResult result = testing::run_fail_matrix(
        scenario(/*max_chunk=*/0), invariant(),
        {.mode = mode, .ending = fakes::FaultEnding::stall, .bound = 2000});
    EXPECT_TRUE(result);
    EXPECT_THAT(result.message(), HasSubstr("completed with no fault hit"));
  }
}

// Delayed writes: the bytes of the faulted side wait in the fault layer and trickle out on
// the clock (the client's timeout runs on the same clock); every cut still leaves no
// partial file.
TEST_F(UploadServerFailMatrix, ACutOfSlowWritesLeavesNoPartialFile) {
  for (bool wrap_client : {true, false}) {
    EXPECT_TRUE(testing::run_fail_matrix(
        scenario(/*max_chunk=*/0, wrap_client), invariant(),
        {.mode = wrap_client ? testing::FailMatrixMode::outbound_byte
                             : testing::FailMatrixMode::inbound_byte,
         .bound = 2000,
         .base = {.max_piece = 64, .seed = 5, .delay = std::chrono::milliseconds(1)}}));
  }
}

}  // namespace
}  // namespace kit::upload
