#pragma once
// POSIX timestamps and time differences as the protocol writes them.
#include <optional>
#include <string>
#include <string_view>

#include "herd/types.h"

namespace herd {

// Parses "1621464827.959498503": one or more digits, optionally '.' and one
// to nine digits, into exact nanoseconds. No sign, exponent or spaces.
// Returns nullopt for anything else or a value beyond int64 nanoseconds
// (after the year 2262).
std::optional<Nanos> parse_posix_time(std::string_view text);

// Writes a difference with an explicit sign and exactly nine decimals:
// 263873386 -> "+0.263873386", -1500000000 -> "-1.500000000", 0 -> "+0.000000000".
std::string format_time_diff(Nanos diff);

// Parses what format_time_diff writes (sign mandatory, exactly nine decimals).
std::optional<Nanos> parse_time_diff(std::string_view text);

}  // namespace herd
