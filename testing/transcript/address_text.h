// parse_address: the kit::Address that a transcript's "host" or "peer" names.
//
// Transcripts keep addresses as kit::Address::to_string() prints them; a replayer gives
// them back to its transport (StringTransport's peer and host) with this.
//
// Thread safety: a pure function.
#ifndef KIT_TESTING_TRANSCRIPT_ADDRESS_TEXT_H_
#define KIT_TESTING_TRANSCRIPT_ADDRESS_TEXT_H_

#include <optional>
#include <string_view>

#include "kit/address.h"

namespace kit::testing::transcript {

// parse_address: "tcp:127.0.0.1:8000", "tcp:[::1]:8000", "unix:/tmp/x.sock", "memory:name"
// or "none" as the Address that prints so. Another lowercase scheme before an IP address
// and port is a layer over a stream over IP ("ssl:[::1]:8443", as to_string("ssl") prints
// it) and gives the TCP address under it. nullopt for anything else: no scheme, an IP that
// is not numeric, a port that is not 0..65535.
std::optional<Address> parse_address(std::string_view text);

}  // namespace kit::testing::transcript

#endif  // KIT_TESTING_TRANSCRIPT_ADDRESS_TEXT_H_
