#include "engine/durable/durable_table.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <system_error>

#include "engine/durable/table_snapshot.h"

namespace herd::durable {

namespace {

namespace fs = std::filesystem;

// Retries of a failing commit or checkpoint back off from kGroupCommitMs up
// to this.
constexpr int kMaxRetryMs = 1000;

std::chrono::milliseconds retry_delay(int failures) {
  return std::chrono::milliseconds(std::min(kMaxRetryMs, DurableTable::kGroupCommitMs << std::min(failures, 7)));
}

// For last_error(): the log and the snapshot throw DurableTableError naming
// their own file, which the messages built from last_error() name already.
std::string reason_of(const std::exception& e) {
  const auto* table_error = dynamic_cast<const DurableTableError*>(&e);
  return table_error ? table_error->reason() : std::string(e.what());
}

}  // namespace

DurableTableError::DurableTableError(const std::string& path, const std::string& reason)
    : std::runtime_error(path + ": " + reason), path_(path), reason_(reason) {}

DurableTable::DurableTable(const std::string& path, const std::string& server, Durability mode)
    : DurableTable(path, server, mode, Options{}) {}

DurableTable::DurableTable(const std::string& path, const std::string& server, Durability mode, Options options)
    : path_(path), log_path_(path + "-log"), server_(server), mode_(mode), options_(options), log_(log_path_, server) {
  compact_at_ = options_.compact_bytes;
  if (mode == Durability::Off) throw std::invalid_argument("DurableTable: Durability::Off means no table");
  if (server.empty()) throw DurableTableError(path_, "empty server name");
  std::error_code ec;
  const fs::path parent = fs::path(path_).parent_path();
  if (!parent.empty()) {
    fs::create_directories(parent, ec);
    if (ec) throw DurableTableError(path_, "cannot create directory '" + parent.string() + "': " + ec.message());
  }
  if (fs::is_directory(path_, ec)) throw DurableTableError(path_, "is a directory");
  if (fs::is_directory(log_path_, ec)) throw DurableTableError(log_path_, "is a directory");
  open(server);
  thread_ = std::thread([this] { commit_loop(); });
  ckpt_thread_ = std::thread([this] { checkpoint_loop(); });
}

DurableTable::~DurableTable() {
  try {
    close();
  } catch (const std::exception& e) {
    // Nobody is left to tell; the message names the file, a count and
    // SQLite's reason, never a report.
    std::fprintf(stderr, "herd: durable table %s\n", e.what());
  }
}

void DurableTable::open(const std::string& server) {
  snapshot_ = std::make_unique<TableSnapshot>(path_, server);
  try {
    // The log is checked (reads only) before anything is written.
    TableLog::Contents log = log_.read();
    snapshot_->claim();
    log_.open(log);
    // The log's lines are not in SQLite (maybe): the next checkpoint
    // applies them.
    for (auto& [client, line] : log.lines) {
      auto& entry = *entries_.emplace(client, Entry{}).first;
      entry.second.logged = std::move(line);
      entry.second.since = true;
      since_.push_back(&entry);
    }
    has_logged_ = !since_.empty();
    stats_.log_bytes = log_.size();
  } catch (const DurableTableError&) {
    throw;
  } catch (const std::exception& e) {
    throw DurableTableError(path_, e.what());
  }
}

std::vector<std::pair<std::string, std::string>> DurableTable::load() {
  std::lock_guard ckpt_lock(ckpt_mu_);
  if (!snapshot_) throw std::logic_error("DurableTable::load after close");
  std::map<std::string, std::string> rows = snapshot_->rows();
  // The log on top: its lines are newer than the rows they replace (the
  // server only ever puts newer reports).
  {
    std::lock_guard log_lock(log_mu_);
    for (auto& [client, line] : log_.read().lines) rows[client] = std::move(line);
  }
  return {std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end())};
}

void DurableTable::PutQueue::add(std::string_view client, std::string_view line) {
  records.push_back(Record{bytes.size(), static_cast<std::uint32_t>(client.size()),
                           static_cast<std::uint32_t>(line.size())});
  bytes.append(client);
  bytes.append(line);
}

void DurableTable::compact_queue() {
  // Rare (a write stalled for long, or a failing disk): a local index, so
  // the common path never looks a client up on the server's thread.
  std::unordered_map<std::string_view, std::size_t> newest;
  newest.reserve(queue_.records.size());
  for (std::size_t k = 0; k < queue_.records.size(); ++k) newest[queue_.client(queue_.records[k])] = k;
  PutQueue kept;
  kept.records.reserve(newest.size());
  for (std::size_t k = 0; k < queue_.records.size(); ++k) {
    const auto& r = queue_.records[k];
    if (newest[queue_.client(r)] == k) kept.add(queue_.client(r), queue_.line(r));
  }
  queue_ = std::move(kept);
  compact_at_ = std::max(options_.compact_bytes, 2 * queue_.bytes.size());
}

void DurableTable::put(std::string_view client, std::string_view at_line) {
  bool was_empty = false;
  {
    std::lock_guard lk(mu_);
    if (closed_) throw std::logic_error("DurableTable::put after close");
    ++put_seq_;
    ++stats_.puts;
    was_empty = queue_.empty();
    queue_.add(client, at_line);
    if (queue_.bytes.size() >= compact_at_) compact_queue();
  }
  if (mode_ == Durability::Fsync) {
    // On failure the line stays pending and the commit thread retries.
    if (!commit_round()) wake_.notify_one();
    return;
  }
  if (was_empty) wake_.notify_one();
}

void DurableTable::sync() {
  std::uint64_t target = 0;
  {
    std::lock_guard lk(mu_);
    target = put_seq_;
    if (committed_seq_ >= target) return;
  }
  commit_round();
  std::lock_guard lk(mu_);
  if (committed_seq_ >= target) return;
  throw DurableTableError(log_path_, "cannot commit " + std::to_string(failed_pending_ + queue_.records.size()) +
                                         " pending reports (kept for a retry): " + last_error_.value_or("unknown error"));
}

void DurableTable::checkpoint() {
  sync();
  if (checkpoint_round()) return;
  std::lock_guard lk(mu_);
  throw DurableTableError(path_, "cannot checkpoint the log into the table (its reports are safe in " + log_path_ +
                                     " and retried): " + last_error_.value_or("unknown error"));
}

void DurableTable::close() {
  {
    std::lock_guard lk(mu_);
    if (closed_) return;
    closed_ = true;
    stop_ = true;
  }
  stop_threads();
  const bool ok = commit_round();
  const bool ckpt_ok = ok && checkpoint_round();
  {
    std::lock_guard ckpt_lock(ckpt_mu_);
    snapshot_.reset();  // the last connection: checkpoints the WAL into the file
    std::lock_guard log_lock(log_mu_);
    log_.close();
  }
  if (ckpt_ok) return;
  std::lock_guard lk(mu_);
  if (!ok)
    throw DurableTableError(log_path_, "closed with " + std::to_string(failed_pending_ + queue_.records.size()) +
                                           " reports not saved: " + last_error_.value_or("unknown error"));
  throw DurableTableError(path_, "closed without its last checkpoint (the reports are safe in " + log_path_ +
                                     ", applied at the next open's checkpoint): " + last_error_.value_or("unknown error"));
}

void DurableTable::stop_threads() {
  wake_.notify_all();
  ckpt_wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (ckpt_thread_.joinable()) ckpt_thread_.join();
}

std::optional<std::string> DurableTable::last_error() const {
  std::lock_guard lk(mu_);
  return last_error_;
}

DurableTable::Stats DurableTable::stats() const {
  std::lock_guard lk(mu_);
  Stats s = stats_;
  s.queued_bytes = queue_.bytes.size();
  return s;
}

bool DurableTable::commit_round() {
  std::lock_guard log_lock(log_mu_);
  std::uint64_t seq = 0;
  incoming_.clear();
  {
    std::lock_guard lk(mu_);
    if (queue_.empty() && retry_.empty()) {
      // Nothing pending and no round in flight (we hold log_mu_): all is on disk.
      committed_seq_ = put_seq_;
      return true;
    }
    if (!log_.is_open()) {
      last_error_ = "the table is closed";
      return false;
    }
    incoming_.bytes.swap(queue_.bytes);
    incoming_.records.swap(queue_.records);
    compact_at_ = options_.compact_bytes;
    seq = put_seq_;
  }
  // The newest record per client wins; a failed round's records are older
  // than every incoming one.
  const std::uint64_t round = ++rounds_;
  record_entry_.clear();
  std::size_t k = 0;
  for (const PutQueue* q : {&retry_, &incoming_}) {
    for (const auto& r : q->records) {
      const std::string_view client = q->client(r);
      auto it = entries_.find(client);
      if (it == entries_.end()) it = entries_.emplace(std::string(client), Entry{}).first;
      it->second.round = round;
      it->second.last = k++;
      record_entry_.push_back(&*it);
    }
  }
  batch_.clear();
  round_.clear();
  k = 0;
  for (const PutQueue* q : {&retry_, &incoming_}) {
    for (const auto& r : q->records) {
      const EntryPtr e = record_entry_[k];
      if (e->second.last == k++) {
        round_.push_back(e);
        batch_.add(q->line(r));
      }
    }
  }
  batch_.seal();
  std::optional<std::string> error;
  try {
    log_.append(batch_);
  } catch (const std::exception& e) {
    error = reason_of(e);
  }
  const std::size_t n = round_.size();
  if (!error) {
    for (std::size_t i = 0; i < n; ++i) {
      Entry& e = round_[i]->second;
      e.logged.assign(batch_.line(i));
      if (!e.since) {
        e.since = true;
        since_.push_back(round_[i]);
      }
    }
    retry_.clear();
  } else {
    // Kept for the next round: the newest line per client (a newer put
    // meanwhile wins, being in the queue).
    PutQueue kept;
    for (std::size_t i = 0; i < n; ++i) kept.add(round_[i]->first, batch_.line(i));
    retry_ = std::move(kept);
  }
  const bool big = log_.size() >= options_.checkpoint_bytes;
  std::lock_guard lk(mu_);
  if (!error) {
    ++stats_.commits;
    stats_.rows_written += n;
    stats_.log_bytes = log_.size();
    committed_seq_ = seq;
    failed_pending_ = 0;
    last_error_.reset();
    has_logged_ = true;
    if (big) ckpt_wake_.notify_one();
    return true;
  }
  failed_pending_ = n;
  last_error_ = std::move(error);
  return false;
}

bool DurableTable::checkpoint_round() {
  std::lock_guard ckpt_lock(ckpt_mu_);
  std::vector<EntryPtr> taken;
  std::vector<std::pair<std::string, std::string>> rows;
  {
    std::lock_guard log_lock(log_mu_);
    if (!log_.is_open() || !snapshot_) return false;
    taken.swap(since_);
    rows.reserve(taken.size());
    for (const EntryPtr e : taken) {
      e->second.since = false;
      rows.emplace_back(e->first, e->second.logged);
    }
    std::lock_guard lk(mu_);
    has_logged_ = false;
  }
  std::optional<std::string> error;
  try {
    if (!rows.empty()) snapshot_->upsert(rows);
  } catch (const std::exception& e) {
    error = reason_of(e);
  }
  std::lock_guard log_lock(log_mu_);
  if (error) {
    // Still to be checkpointed (with whatever was logged for them since).
    for (const EntryPtr e : taken) {
      if (!e->second.since) {
        e->second.since = true;
        since_.push_back(e);
      }
    }
    std::lock_guard lk(mu_);
    has_logged_ = true;
    last_error_ = std::move(error);
    return false;
  }
  // SQLite holds the snapshot (committed, fsynced): the log keeps only the
  // lines logged since. A crash before the rename leaves the old log, whose
  // lines replayed over the table give the same result.
  try {
    LogBatch kept;
    for (const EntryPtr e : since_) kept.add(e->second.logged);
    kept.seal();
    log_.rewrite(kept);
  } catch (const std::exception& e) {
    error = reason_of(e);
  }
  std::lock_guard lk(mu_);
  stats_.log_bytes = log_.size();
  if (error) {
    last_error_ = std::move(error);
    return false;
  }
  ++stats_.checkpoints;
  stats_.rows_checkpointed += rows.size();
  // A failed log write keeps its error until a write succeeds.
  if (failed_pending_ == 0) last_error_.reset();
  has_logged_ = !since_.empty();
  return true;
}

void DurableTable::commit_loop() {
  using clock = std::chrono::steady_clock;
  std::unique_lock lk(mu_);
  auto next = clock::now();
  int failures = 0;
  for (;;) {
    wake_.wait(lk, [&] { return stop_ || (mode_ == Durability::Batch && !queue_.empty()) || failed_pending_ > 0; });
    if (stop_) return;
    // Group commit: at most one round per kGroupCommitMs; lines put meanwhile
    // join this round.
    if (clock::now() < next) {
      wake_.wait_until(lk, next, [&] { return stop_; });
      if (stop_) return;
    }
    const auto started = clock::now();
    lk.unlock();
    const bool ok = commit_round();
    lk.lock();
    // The next round starts kGroupCommitMs after this one started (or at once
    // if this one took longer), so a line waits at most about kGroupCommitMs
    // plus one write. A failing round backs off from its end.
    failures = ok ? 0 : failures + 1;
    next = ok ? started + std::chrono::milliseconds(kGroupCommitMs) : clock::now() + retry_delay(failures);
  }
}

void DurableTable::checkpoint_loop() {
  using clock = std::chrono::steady_clock;
  std::unique_lock lk(mu_);
  auto last = clock::now();
  auto not_before = last;
  int failures = 0;
  for (;;) {
    if (clock::now() < not_before) {
      ckpt_wake_.wait_until(lk, not_before, [&] { return stop_; });
      if (stop_) return;
    }
    // Wakes at least every 100 ms to look at the clock; a log past
    // checkpoint_bytes wakes it at once.
    ckpt_wake_.wait_for(lk, std::chrono::milliseconds(100),
                        [&] { return stop_ || (has_logged_ && stats_.log_bytes >= options_.checkpoint_bytes); });
    if (stop_) return;
    const auto now = clock::now();
    if (!has_logged_) continue;
    const bool due = stats_.log_bytes >= options_.checkpoint_bytes ||
                     now - last >= std::chrono::milliseconds(options_.checkpoint_ms);
    if (!due) continue;
    lk.unlock();
    const bool ok = checkpoint_round();
    lk.lock();
    failures = ok ? 0 : failures + 1;
    last = clock::now();
    not_before = ok ? last : last + retry_delay(failures);
  }
}

}  // namespace herd::durable
