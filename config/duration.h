#pragma once
// Durations in scenario files: a string "<decimal><unit>" with unit ns, us,
// ms, s, m or h ("1.5s", "250ms"), parsed exactly into nanoseconds (never
// through a double), or a plain JSON number of seconds (FieldReader::duration
// in config/field_reader.h reads both forms).
#include <optional>
#include <string_view>

#include "herd/types.h"

namespace herd {

// nullopt if `text` is not a valid duration (no unit, bad digits, more
// fractional digits than the unit can hold, or overflow).
std::optional<Nanos> parse_duration(std::string_view text);

}  // namespace herd
