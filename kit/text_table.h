#pragma once
// A plain-text table for terminals: columns padded to their widest cell,
// two spaces apart, figures right-aligned and text left-aligned, no
// trailing spaces. Used by `herd report` and `herd diff`.
#include <string>
#include <vector>

namespace herd::kit {

struct TextTable {
  std::vector<std::string> head;
  std::vector<bool> left_aligned;  // per column; missing entries are right-aligned
  std::vector<std::vector<std::string>> rows;
};

std::string render(const TextTable& table);

}  // namespace herd::kit
