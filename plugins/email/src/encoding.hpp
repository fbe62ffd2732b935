#pragma once

// The byte encodings an e-mail needs: base64 (RFC 4648, for AUTH and RFC 2047 encoded words)
// and quoted-printable (RFC 2045, for the body parts). Pure functions, no state.

#include <string>
#include <string_view>

namespace slob::plugins::email {

std::string base64_encode(std::string_view bytes);

// Quoted-printable with CRLF line ends: every input line end (LF or CRLF) becomes a hard CRLF,
// no output line is longer than 76 characters (soft breaks "=\r\n"), bytes outside printable
// ASCII and '=' are "=XX", and a space or tab before a line end is encoded so no transport can
// strip it. The output never contains "=_", which is what makes our MIME boundaries safe.
std::string quoted_printable(std::string_view utf8);

}  // namespace slob::plugins::email
