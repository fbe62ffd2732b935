#pragma once

// Date/time texts of the TWS API (ib-api.md §5, §6) to and from UTC sdk::Time.
//
// Accepted inbound forms: epoch seconds ("1736000000", formatDate=2), "yyyymmdd" (midnight),
// "yyyymmdd hh:mm:ss", "yyyymmdd  hh:mm:ss" (two spaces, older TWS), "yyyymmdd hh:mm" and any of
// them followed by an IANA-ish zone ("yyyymmdd hh:mm:ss Europe/Amsterdam", "US/Eastern"), and the
// zone-less UTC form "yyyymmdd-hh:mm:ss". A zone-less local form is read in `default_zone`
// (the gateway's login zone; nullptr means UTC).
//
// Threading: none. The zone database is the system's (date::date-tz with the OS tzdb).

#include <optional>
#include <string>
#include <string_view>

#include "slob/sdk/time.hpp"

namespace date {
class time_zone;
}

namespace slob::plugins::ib {

std::optional<sdk::Time> parse_ib_time(std::string_view text, const date::time_zone* default_zone);

// Looks a zone up by name; nullptr when the name is unknown. Never throws.
const date::time_zone* find_zone(const std::string& name);

// "yyyymmdd-hh:mm:ss", the UTC form TWS accepts in reqExecutions and historical requests.
std::string format_ib_utc(sdk::Time t);

}  // namespace slob::plugins::ib
