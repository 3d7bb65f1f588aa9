// A 100 MiB session is written to a file and read back in bounded memory: the heap in use
// (counted by this binary's operator new and delete) never grows by more than a few large
// lines, so neither the writer nor the reader holds the session, only the current event.
#include <gtest/gtest.h>
#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <random>
#include <string>

#include "testing/transcript/transcript_reader.h"
#include "testing/transcript/transcript_writer.h"

namespace {

std::atomic<long long> heap_in_use{0};
std::atomic<long long> heap_peak{0};

void* counted_new(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  const long long now = heap_in_use += static_cast<long long>(malloc_usable_size(p));
  long long peak = heap_peak.load();
  while (now > peak && !heap_peak.compare_exchange_weak(peak, now)) {
  }
  return p;
}

void counted_delete(void* p) noexcept {
  if (p == nullptr) return;
  heap_in_use -= static_cast<long long>(malloc_usable_size(p));
  std::free(p);
}

}  // namespace

void* operator new(std::size_t n) { return counted_new(n); }
void* operator new[](std::size_t n) { return counted_new(n); }
void operator delete(void* p) noexcept { counted_delete(p); }
void operator delete[](void* p) noexcept { counted_delete(p); }
void operator delete(void* p, std::size_t) noexcept { counted_delete(p); }
void operator delete[](void* p, std::size_t) noexcept { counted_delete(p); }

namespace kit::testing::transcript {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t chunk_size = 64 * 1024;
constexpr std::size_t chunks = 1600;  // 100 MiB
// What one event of 64 KiB may take: its line, its bytes, the parsed JSON and the streams'
// buffers (about 0.3 MiB writing and 0.5 MiB reading when measured), far below the 100 MiB
// a reader or writer that kept the session would take.
constexpr long long bound = 2 << 20;

// Chunk `i`: even ones text, odd ones any bytes (so both encodings are exercised), each
// starting with its number so that an order or content mix-up shows.
void fill_chunk(std::size_t i, std::string& chunk) {
  chunk.assign(std::to_string(i) + ":");
  std::mt19937_64 bytes(i);
  while (chunk.size() < chunk_size) {
    const auto b = static_cast<char>(bytes());
    chunk += i % 2 == 0 ? static_cast<char>('a' + static_cast<unsigned char>(b) % 26) : b;
  }
}

long long reset_peak() {
  const long long now = heap_in_use.load();
  heap_peak = now;
  return now;
}

TEST(TranscriptMemory, A100MiBSessionIsWrittenAndReadInBoundedMemory) {
  const char* dir = std::getenv("TEST_TMPDIR");
  const std::filesystem::path path =
      (dir ? std::filesystem::path(dir) : std::filesystem::temp_directory_path()) /
      "large.transcript";
  std::string chunk;
  chunk.reserve(chunk_size);

  long long base = reset_peak();
  {
    TranscriptWriter writer(path);
    writer.write(SessionStart{1, 0ns, Role::server, "tcp:127.0.0.1:8000", "tcp:127.0.0.1:5000"});
    for (std::size_t i = 0; i < chunks; ++i) {
      fill_chunk(i, chunk);
      writer.write(Data{1, Duration{static_cast<long long>(i)}, Side::peer, chunk});
    }
    writer.write(Close{1, Duration{chunks}, Side::peer, CloseKind::fin});
    writer.write(SessionEnd{1, Duration{chunks}});
    writer.close();
  }
  ::testing::Test::RecordProperty("write_heap_peak_bytes", std::to_string(heap_peak - base));
  EXPECT_LT(heap_peak - base, bound) << "writing took " << heap_peak - base << " bytes of heap";
  EXPECT_GT(std::filesystem::file_size(path), chunks * chunk_size);

  base = reset_peak();
  std::size_t data_events = 0;
  std::size_t data_bytes = 0;
  {
    TranscriptReader reader(path);
    ASSERT_TRUE(std::holds_alternative<SessionStart>(*reader.next()));
    while (std::optional<Event> event = reader.next()) {
      const auto* data = std::get_if<Data>(&*event);
      if (data == nullptr) continue;
      fill_chunk(data_events, chunk);
      ASSERT_EQ(data->bytes, chunk) << "chunk " << data_events;
      ASSERT_EQ(data->t, Duration{static_cast<long long>(data_events)});
      ++data_events;
      data_bytes += data->bytes.size();
    }
    EXPECT_TRUE(reader.open_sessions().empty());
  }
  ::testing::Test::RecordProperty("read_heap_peak_bytes", std::to_string(heap_peak - base));
  EXPECT_LT(heap_peak - base, bound) << "reading took " << heap_peak - base << " bytes of heap";
  EXPECT_EQ(data_events, chunks);
  EXPECT_EQ(data_bytes, chunks * chunk_size);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace kit::testing::transcript
