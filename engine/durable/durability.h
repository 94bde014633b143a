#pragma once
// How hard a live server's durable table pushes writes to the disk. Its own
// light header: the herd config names it without pulling in the table.
// Windows and file format: docs/durable-table.md.
#include <optional>
#include <string_view>

namespace herd::durable {

enum class Durability {
  Fsync,  // every stored report is committed and fsynced before the server handles its next input
  Batch,  // group commit at most every 10 ms, each group fsynced: a kill -9 or power cut loses at most the last window
  Off,    // no table on disk: a restarted server starts empty
};

// The config's and the command line's spelling: "fsync", "batch", "off".
inline const char* durability_name(Durability d) {
  return d == Durability::Fsync ? "fsync" : d == Durability::Batch ? "batch" : "off";
}
inline std::optional<Durability> parse_durability(std::string_view s) {
  for (Durability d : {Durability::Fsync, Durability::Batch, Durability::Off}) {
    if (s == durability_name(d)) return d;
  }
  return std::nullopt;
}

}  // namespace herd::durable
