// RapidCheck generators of chunkings (see chunking.h): how a transport may cut a byte
// string into reads.
//
//   RC_GTEST_PROP(EchoProtocolProperty, AnyChunkingEchoesTheSame, ()) {
//     const std::string input = *rc::gen::arbitrary<std::string>();
//     const auto chunks = *kit::testing::gen::chunking(input);
//     ...
//   }
//
// Every chunking can come out, from the whole string in one chunk to one byte per chunk;
// those two, fixed-size chunks and sparse or dense random cuts are all favoured. Values
// shrink toward fewer cuts, so a failure is reported with the coarsest chunking that
// still fails. RapidCheck prints the seed to reproduce a failure (RC_PARAMS="seed=...").
//
// Thread safety: like any RapidCheck generator, used by the thread running the property.
#ifndef KIT_TESTING_GENERATORS_CHUNKING_GEN_H_
#define KIT_TESTING_GENERATORS_CHUNKING_GEN_H_

#include <rapidcheck.h>

#include <cstddef>
#include <string>
#include <vector>

#include "testing/generators/chunking.h"

namespace kit::testing::gen {

// cuts: ascending offsets in (0, size) at which to cut a string of `size` bytes.
rc::Gen<std::vector<std::size_t>> cuts(std::size_t size);

// chunking: the chunks of `data` cut at cuts(data.size()).
rc::Gen<Chunking> chunking(std::string data);

}  // namespace kit::testing::gen

#endif  // KIT_TESTING_GENERATORS_CHUNKING_GEN_H_
