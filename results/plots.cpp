#include <stdexcept>

#include "results/store.h"

namespace herd::results {

// Interim: replaced by the gnuplot plots in the next commit.
std::vector<std::string> plot_all(const std::string& db_path, const std::string&) {
  throw std::runtime_error("results file '" + db_path + "': plots are not built yet");
}

}  // namespace herd::results
