#include "testing/generators/chunking_gen.h"

#include <utility>

namespace kit::testing::gen {
namespace {

std::vector<std::size_t> every_offset(std::size_t size, std::size_t step) {
  std::vector<std::size_t> offsets;
  for (std::size_t at = step; at < size; at += step) offsets.push_back(at);
  return offsets;
}

}  // namespace

rc::Gen<std::vector<std::size_t>> cuts(std::size_t size) {
  using Cuts = std::vector<std::size_t>;
  if (size <= 1) return rc::gen::just(Cuts{});
  const std::size_t gaps = size - 1;

  // Each gap is cut with a probability drawn first, so that both sparse and dense
  // cuttings come out; a gap shrinks toward not cut. RapidCheck scales inRange() by the
  // test's size, which would leave small sizes with no cuts at all: these draws are made
  // at the nominal size instead.
  auto uniform = [](int low, int high) {
    return rc::gen::resize(rc::kNominalSize, rc::gen::inRange(low, high));
  };
  rc::Gen<Cuts> random = rc::gen::mapcat(uniform(1, 101), [gaps, uniform](int percent) {
    return rc::gen::map(
        rc::gen::container<std::vector<bool>>(
            gaps, rc::gen::map(uniform(0, 100), [percent](int x) { return x >= 100 - percent; })),
        [](const std::vector<bool>& cut) {
          Cuts offsets;
          for (std::size_t gap = 0; gap < cut.size(); ++gap) {
            if (cut[gap]) offsets.push_back(gap + 1);
          }
          return offsets;
        });
  });
  // Chunks of a fixed size; shrinks toward larger chunks.
  rc::Gen<Cuts> fixed =
      rc::gen::map(rc::gen::resize(rc::kNominalSize, rc::gen::inRange<std::size_t>(0, gaps)),
                   [size](std::size_t k) { return every_offset(size, size - 1 - k); });

  // RapidCheck shrinks a choice toward the earlier alternatives: fewest cuts first.
  return rc::gen::weightedOneOf<Cuts>({
      {1, rc::gen::just(Cuts{})},  // the whole string at once
      {6, std::move(random)},
      {2, std::move(fixed)},
      {1, rc::gen::just(every_offset(size, 1))},  // one byte at a time
  });
}

rc::Gen<Chunking> chunking(std::string data) {
  const std::size_t size = data.size();
  return rc::gen::map(cuts(size), [data = std::move(data)](const std::vector<std::size_t>& at) {
    return split_at(data, at);
  });
}

}  // namespace kit::testing::gen
