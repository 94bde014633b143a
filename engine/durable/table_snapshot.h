#pragma once
// The durable table's SQLite file, the snapshot the checkpoints write
// (docs/durable-table.md, "The files" and "Opening: what is refused"): meta
// (format version, server) and one reports row per client. No SQLite
// headers here.
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace herd::sqlite {
class Db;
}

namespace herd::durable {

// Every failure throws DurableTableError naming the file.
class TableSnapshot {
 public:
  // Opens or creates `path` and checks, with reads only, that it is a herd
  // durable table of this format version for `server` (or empty); a refused
  // file is left byte for byte unchanged.
  TableSnapshot(const std::string& path, const std::string& server);
  // Closing the connection checkpoints SQLite's WAL into the file (once claimed).
  ~TableSnapshot();
  TableSnapshot(const TableSnapshot&) = delete;
  TableSnapshot& operator=(const TableSnapshot&) = delete;

  // Once nothing else can refuse the table: from here on the file is
  // written (WAL mode; a new file gets its schema and meta rows).
  void claim();

  // Every row as client -> AT line; a row that is not what the server writes
  // is corruption, named by its rowid (DurableTable::load).
  std::map<std::string, std::string> rows();

  // Upserts `rows` in one transaction (sorting them first).
  void upsert(std::vector<std::pair<std::string, std::string>>& rows);

 private:
  std::string path_;
  std::string server_;
  bool fresh_ = false;  // no application_id and no tables yet
  std::unique_ptr<sqlite::Db> db_;
};

}  // namespace herd::durable
