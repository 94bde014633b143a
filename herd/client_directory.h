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
  // Returns the id of `name`, adding it if new.
  ClientId intern(std::string_view name);
  // Returns the id of `name` only if already known (never adds: a WHATSAT for
  // an unknown client must not grow memory).
  std::optional<ClientId> find(std::string_view name) const;
  std::string_view name(ClientId id) const { return names_[id]; }
  std::size_t size() const { return names_.size(); }

 private:
  std::deque<std::string> names_;  // deque: stable addresses for the views
  std::unordered_map<std::string_view, ClientId> ids_;
};

}  // namespace herd
