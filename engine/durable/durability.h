#pragma once
// How hard a live server's durable table pushes writes to the disk. Its own
// light header: the herd config names it without pulling in the table.
// Windows and file format: docs/durable-table.md.
namespace herd::durable {

enum class Durability {
  Fsync,  // every stored report is committed and fsynced before the server handles its next input
  Batch,  // group commit at most every 10 ms, each group fsynced: a kill -9 or power cut loses at most the last window
  Off,    // no table on disk: a restarted server starts empty
};

}  // namespace herd::durable
