#pragma once
// Interns client names into dense ids, so tables index a vector instead of
// hashing strings, and a simulator with thousands of nodes stores each name
// once. Ids are never reused; names are never forgotten.
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "herd/types.h"

namespace herd {

class ClientDirectory {
 public:
  // Bounds on what try_intern() may add (live servers; the simulator leaves
  // them unbounded): distinct names, and the total bytes of those names.
  void set_limits(std::size_t max_names, std::size_t max_bytes) {
    max_names_ = max_names;
    max_bytes_ = max_bytes;
  }
  // Returns the id of `name`, adding it if new (whatever the limits).
  ClientId intern(std::string_view name);
  // As intern(), but a new name that would pass a limit is not added: nullopt.
  std::optional<ClientId> try_intern(std::string_view name) {
    if (auto id = find(name)) return id;
    if (names_.size() >= max_names_ || bytes_ + name.size() > max_bytes_) return std::nullopt;
    return intern(name);
  }
  // True when try_intern() would refuse every new name of `size` bytes.
  bool full_for(std::size_t size) const { return names_.size() >= max_names_ || bytes_ + size > max_bytes_; }
  // Returns the id of `name` only if already known (never adds: a WHATSAT for
  // an unknown client must not grow memory).
  std::optional<ClientId> find(std::string_view name) const;
  std::string_view name(ClientId id) const { return names_[id]; }
  std::size_t size() const { return names_.size(); }
  std::size_t bytes() const { return bytes_; }

 private:
  std::deque<std::string> names_;  // deque: stable addresses for the views
  std::unordered_map<std::string_view, ClientId> ids_;
  std::size_t bytes_ = 0;
  std::size_t max_names_ = static_cast<std::size_t>(-1);
  std::size_t max_bytes_ = static_cast<std::size_t>(-1);
};

}  // namespace herd
