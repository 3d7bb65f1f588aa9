// LineReceiver and LineOnlyReceiver on the shared line corpus (../shared/bench): 64 MiB of
// 40-byte CRLF lines, line i being "%010d" % i + "abcdefghijklmnopqrstuvwxyz01\r\n"
// (1,677,721 lines), fed in 4 KiB chunks to a receiver whose line_received() only counts.
// The same corpus and chunking as bench/lines/twisted_lines.py and bench/limits.cc, so
// the lines/s counter compares with Twisted and with the memchr ceiling directly. The
// two ceilings of bench/limits.cc run here too (BM_MemchrCeiling: memchr over one
// contiguous buffer; BM_ChunkedCeiling: the same in 4 KiB chunks with a carry buffer and a
// CR check), so that on a shared, noisy machine the ratio is read within one run.
//
//   bazel run -c opt //protocols/basic:line_receiver_benchmark
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/string_transport.h"
#include "protocols/basic/line_only_receiver.h"
#include "protocols/basic/line_receiver.h"

namespace kit::protocols {
namespace {

constexpr std::size_t kLineLength = 40;
constexpr std::size_t kLines = (std::size_t{64} << 20) / kLineLength;  // 1,677,721
constexpr std::size_t kChunk = 4096;

std::string generate_corpus() {
  std::string out(kLines * kLineLength, '\0');
  char* p = out.data();
  for (std::size_t i = 0; i < kLines; ++i) {
    char digits[16];
    std::snprintf(digits, sizeof digits, "%010zu", i);
    std::memcpy(p, digits, 10);
    std::memcpy(p + 10, "abcdefghijklmnopqrstuvwxyz01\r\n", 30);
    p += kLineLength;
  }
  return out;
}

// The corpus, generated here; with LINES_CORPUS=FILE (the file `twisted_lines.py --write`
// or run_lines.sh leaves, /tmp/bench-lines/corpus.bin) it is also checked to be
// byte-identical to the one Twisted was timed on.
const std::string& corpus() {
  static const std::string data = [] {
    std::string generated = generate_corpus();
    if (const char* path = std::getenv("LINES_CORPUS")) {
      std::ifstream in(path, std::ios::binary);
      std::string shared((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (shared != generated) {
        std::fprintf(stderr, "line_receiver_benchmark: %s differs from the generated corpus\n",
                     path);
        std::exit(1);
      }
      std::fprintf(stderr, "line_receiver_benchmark: corpus identical to %s\n", path);
    }
    return generated;
  }();
  return data;
}

class CountingLineReceiver : public LineReceiver {
 public:
  void line_received(std::string_view line) override {
    ++lines;
    bytes += line.size();
  }
  void raw_data_received(std::string_view) override {}
  std::uint64_t lines = 0;
  std::uint64_t bytes = 0;
};

class CountingLineOnlyReceiver : public LineOnlyReceiver {
 public:
  void line_received(std::string_view line) override {
    ++lines;
    bytes += line.size();
  }
  std::uint64_t lines = 0;
  std::uint64_t bytes = 0;
};

void report(benchmark::State& state, std::uint64_t lines);

template <typename Receiver>
void BM_Lines(benchmark::State& state) {
  const std::string& data = corpus();
  const std::string_view all(data);
  std::uint64_t total_lines = 0;
  for (auto _ : state) {
    fakes::StringTransport transport;
    Receiver receiver;
    transport.connect(receiver);
    for (std::size_t off = 0; off < all.size(); off += kChunk) {
      receiver.data_received(all.substr(off, kChunk));
    }
    if (receiver.lines != kLines || receiver.bytes != kLines * (kLineLength - 2)) {
      state.SkipWithError("wrong line count or line length");
      return;
    }
    benchmark::DoNotOptimize(receiver.bytes);
    total_lines += receiver.lines;
  }
  report(state, total_lines);
}

void report(benchmark::State& state, std::uint64_t lines) {
  state.counters["lines_per_s"] =
      benchmark::Counter(static_cast<double>(lines), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus().size()));
}

void BM_MemchrCeiling(benchmark::State& state) {
  const std::string& data = corpus();
  std::uint64_t total_lines = 0;
  for (auto _ : state) {
    const char* p = data.data();
    const char* const end = p + data.size();
    std::uint64_t n = 0;
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
      if (nl == nullptr) break;
      ++n;
      p = nl + 1;
    }
    benchmark::DoNotOptimize(n);
    total_lines += n;
  }
  report(state, total_lines);
}

void BM_ChunkedCeiling(benchmark::State& state) {
  const std::string& data = corpus();
  std::uint64_t total_lines = 0;
  for (auto _ : state) {
    std::string carry;
    std::uint64_t n = 0;
    std::uint64_t length_sum = 0;
    for (std::size_t off = 0; off < data.size(); off += kChunk) {
      const char* p = data.data() + off;
      const char* const end = p + std::min(kChunk, data.size() - off);
      while (p < end) {
        const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
        if (nl == nullptr) {
          carry.append(p, end - p);
          break;
        }
        const char* line = p;
        std::size_t length = nl - p;
        if (!carry.empty()) {
          carry.append(p, nl - p);
          line = carry.data();
          length = carry.size();
        }
        if (length > 0 && line[length - 1] == '\r') length_sum += length - 1;
        ++n;
        carry.clear();
        p = nl + 1;
      }
    }
    benchmark::DoNotOptimize(length_sum);
    total_lines += n;
  }
  report(state, total_lines);
}

BENCHMARK(BM_MemchrCeiling)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ChunkedCeiling)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Lines, CountingLineReceiver)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Lines, CountingLineOnlyReceiver)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kit::protocols
