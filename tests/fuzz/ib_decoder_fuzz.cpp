// libFuzzer target for the TWS API decoder: the bytes are a stream from a hostile gateway.
// Invariant: framing and decoding return values (ok or an error Status) and never crash, hang or
// read out of bounds, whatever the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "incoming.hpp"
#include "ib_time.hpp"
#include "wire.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace slob::plugins::ib;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // As a stream: the first frame is the server hello, the rest are messages, fed in two pieces
  // so reassembly across reads is exercised too.
  FrameReader reader;
  const std::size_t cut = size ? data[0] % (size + 1) : 0;
  bool hello = true;
  for (std::string_view part : {bytes.substr(0, cut), bytes.substr(cut)}) {
    reader.append(part);
    for (;;) {
      auto next = reader.next();
      if (!next || !*next) break;
      if (hello) {
        (void)decode_server_hello(**next);
        hello = false;
      } else {
        (void)decode_incoming(**next);
      }
    }
    if (!reader.next()) break;  // oversize frame: the connection would be dropped here
  }

  // As one payload, and as a date text.
  (void)decode_incoming(bytes);
  if (size < 64) (void)parse_ib_time(bytes, nullptr);
  return 0;
}
