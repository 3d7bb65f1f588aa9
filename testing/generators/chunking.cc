#include "testing/generators/chunking.h"

#include <algorithm>
#include <stdexcept>

namespace kit::testing {

Chunking split_at(std::string_view data, const std::vector<std::size_t>& cuts) {
  Chunking chunks;
  chunks.reserve(cuts.size() + 1);
  std::size_t from = 0;
  for (std::size_t cut : cuts) {
    if (cut <= from || cut >= data.size()) {
      throw std::invalid_argument("split_at: cut at " + std::to_string(cut) +
                                  " is out of order or outside (0, " + std::to_string(data.size()) +
                                  ")");
    }
    chunks.emplace_back(data.substr(from, cut - from));
    from = cut;
  }
  if (from < data.size()) chunks.emplace_back(data.substr(from));
  return chunks;
}

Chunking split_every(std::string_view data, std::size_t size) {
  if (size == 0) throw std::invalid_argument("split_every: chunk size 0");
  Chunking chunks;
  chunks.reserve(data.size() / size + 1);
  for (std::size_t from = 0; from < data.size(); from += size) {
    chunks.emplace_back(data.substr(from, size));
  }
  return chunks;
}

std::vector<Chunking> all_chunkings(std::string_view data) {
  if (data.size() > max_exhaustive_size) {
    throw std::invalid_argument("all_chunkings: " + std::to_string(data.size()) +
                                " bytes; at most " + std::to_string(max_exhaustive_size));
  }
  if (data.empty()) return {Chunking{}};
  const std::size_t gaps = data.size() - 1;
  std::vector<Chunking> all;
  all.reserve(std::size_t{1} << gaps);
  for (std::size_t mask = 0; mask < (std::size_t{1} << gaps); ++mask) {
    std::vector<std::size_t> cuts;
    for (std::size_t gap = 0; gap < gaps; ++gap) {
      if (mask & (std::size_t{1} << gap)) cuts.push_back(gap + 1);
    }
    all.push_back(split_at(data, cuts));
  }
  return all;
}

std::string join(const Chunking& chunks) {
  std::string out;
  for (const std::string& chunk : chunks) out += chunk;
  return out;
}

FuzzChunking fuzz_chunking(std::string_view input) {
  FuzzChunking result;
  if (input.empty()) return result;
  const std::size_t k =
      std::min<std::size_t>(static_cast<unsigned char>(input[0]) % 16, input.size() - 1);
  const std::string_view sizes = input.substr(1, k);
  result.payload = input.substr(1 + k);
  if (k == 0) {
    if (!result.payload.empty()) result.chunks.emplace_back(result.payload);
    return result;
  }
  std::size_t from = 0;
  for (std::size_t i = 0; from < result.payload.size(); i = (i + 1) % k) {
    const std::size_t size = static_cast<std::size_t>(static_cast<unsigned char>(sizes[i])) + 1;
    result.chunks.emplace_back(result.payload.substr(from, size));
    from += size;
  }
  return result;
}

std::size_t deliver(fakes::StringTransport& transport, const Chunking& chunks) {
  std::size_t delivered = 0;
  for (const std::string& chunk : chunks) {
    if (!transport.connected()) break;
    transport.receive(chunk);
    ++delivered;
  }
  return delivered;
}

}  // namespace kit::testing
