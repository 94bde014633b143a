#include "herd/client_directory.h"

namespace herd {

ClientId ClientDirectory::intern(std::string_view name) {
  if (auto it = ids_.find(name); it != ids_.end()) return it->second;
  const auto id = static_cast<ClientId>(names_.size());
  names_.emplace_back(name);
  bytes_ += name.size();
  ids_.emplace(names_.back(), id);
  return id;
}

std::optional<ClientId> ClientDirectory::find(std::string_view name) const {
  if (auto it = ids_.find(name); it != ids_.end()) return it->second;
  return std::nullopt;
}

}  // namespace herd
