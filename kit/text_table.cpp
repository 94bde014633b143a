#include "kit/text_table.h"

#include <algorithm>

namespace herd::kit {

std::string render(const TextTable& t) {
  std::vector<std::size_t> width(t.head.size());
  for (std::size_t c = 0; c < t.head.size(); ++c) {
    width[c] = t.head[c].size();
    for (const auto& row : t.rows)
      if (c < row.size()) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < width.size(); ++c) {
      const std::string cell = c < cells.size() ? cells[c] : "";
      const std::string pad(width[c] - cell.size(), ' ');
      const bool left = c < t.left_aligned.size() && t.left_aligned[c];
      out += (c ? "  " : "") + (left ? cell + pad : pad + cell);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += '\n';
  };
  line(t.head);
  for (const auto& row : t.rows) line(row);
  return out;
}

}  // namespace herd::kit
