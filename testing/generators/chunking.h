// Chunking: a byte string cut into the pieces in which a transport delivers it.
//
// A protocol must behave the same whatever the chunking of its input: TCP may deliver one
// write as many reads and many writes as one. These are the deterministic ways to cut a
// string that tests and fuzz targets share; chunking_gen.h has the RapidCheck generators.
//
//   for (const kit::testing::Chunking& chunks : kit::testing::all_chunkings("ab\r\ncd")) {
//     kit::fakes::StringTransport transport;
//     MyProtocol protocol;
//     transport.connect(protocol);
//     kit::testing::deliver(transport, chunks);
//     ...
//   }
//
// Thread safety: functions of values; deliver() drives a transport on the test's thread.
#ifndef KIT_TESTING_GENERATORS_CHUNKING_H_
#define KIT_TESTING_GENERATORS_CHUNKING_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/string_transport.h"

namespace kit::testing {

// The chunks, in order; none is empty and together they are the whole string.
using Chunking = std::vector<std::string>;

// split_at: `data` cut at each of `cuts` (offsets in (0, data.size()), ascending).
// Throws std::invalid_argument for offsets out of range or out of order.
Chunking split_at(std::string_view data, const std::vector<std::size_t>& cuts);

// split_every: `data` in chunks of `size` bytes (the last may be shorter); size >= 1.
Chunking split_every(std::string_view data, std::size_t size);

// all_chunkings: every way to cut `data` (2^(n-1) of them for n bytes, one for an empty
// string: no chunk). Throws std::invalid_argument above max_exhaustive_size bytes.
inline constexpr std::size_t max_exhaustive_size = 16;
std::vector<Chunking> all_chunkings(std::string_view data);

// join: the chunks put back together.
std::string join(const Chunking& chunks);

// FuzzChunking: a fuzz input read as a payload and a chunking of it, so that libFuzzer
// explores chunkings along with contents. Byte 0 holds k = byte % 16; the next k bytes
// are chunk sizes (a byte b gives b + 1 bytes), used in turn and over again; the rest is
// the payload (k is cut down to the bytes there are). k = 0 delivers the payload whole.
// `payload` is a view into `input`.
struct FuzzChunking {
  std::string_view payload;
  Chunking chunks;
};
FuzzChunking fuzz_chunking(std::string_view input);

// deliver: transport.receive() of each chunk in order; stops early once the connection
// is lost (the protocol closed it). Returns how many chunks were received.
std::size_t deliver(fakes::StringTransport& transport, const Chunking& chunks);

}  // namespace kit::testing

#endif  // KIT_TESTING_GENERATORS_CHUNKING_H_
