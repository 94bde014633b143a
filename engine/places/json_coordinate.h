#pragma once
// A map coordinate rounded to seven decimals (as Google gives them) and
// printed exactly as nlohmann::json::dump() prints that double, at a
// fraction of its cost: the offline places provider prints thousands per
// second of simulated reads.
namespace herd {

// Writes std::round(v * 1e7) / 1e7 at `out` (at most 32 characters) as
// dump() would and returns the end. v must be finite.
char* print_json_coordinate(char* out, double v);

}  // namespace herd
