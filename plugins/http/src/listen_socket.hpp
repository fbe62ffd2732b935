#pragma once

// The listening socket of the http server.
//
// A hot reload that changes the observer but keeps its address and port creates the new
// instance while the old one still listens (the host swaps them afterwards), so a plain bind
// would fail with "address in use". When it does, the listening socket this process already
// opened on exactly that address and port (found in /proc/self/fd) is shared instead — a copy of
// the descriptor; never another process's socket, nor one inherited from the parent. The old
// instance closes its copy when it stops; the port stays open throughout. (Two [[observer]]
// tables of this plugin on one address and port would share the socket the same way: give each
// its own port.)

#include <cstdint>
#include <string>

#include "slob/sdk/status.hpp"

namespace slob::plugins::http {

// A listening TCP socket descriptor on `address`:`port` (0: any free port), or why not:
// "cannot listen on 127.0.0.1:8787: Address already in use". The caller owns the descriptor.
sdk::Result<int> listen_on(const std::string& address, std::uint16_t port);

}  // namespace slob::plugins::http
