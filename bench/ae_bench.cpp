// Bytes per anti-entropy round between two servers (bench/README.md,
// "Anti-entropy (issue 11)"): equal tables and 1 % different, at 1 k, 100 k
// and 1 M clients. Printed figures, not a timed test ("seconds" includes
// building both tables).
//
//   build/bin/herd_ae_bench [clients ...]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "engine/memory/anti_entropy_round.h"

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(static_cast<std::size_t>(std::strtoull(argv[i], nullptr, 10)));
  if (sizes.empty()) sizes = {1'000, 100'000, 1'000'000};
  std::printf("%10s  %9s  %9s  %10s  %8s  %10s  %9s\n", "clients", "different", "messages", "bytes", "repairs",
              "bytes/diff", "seconds");
  for (const std::size_t n : sizes) {
    for (const std::size_t different : {std::size_t{0}, n / 100}) {
      const auto start = std::chrono::steady_clock::now();
      const auto c = herd::memory::measure_anti_entropy_round(n, different);
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (!c.converged) {
        std::fprintf(stderr, "round did not converge at %zu clients, %zu different\n", n, different);
        return 1;
      }
      std::printf("%10zu  %9zu  %9llu  %10llu  %8llu  %10.1f  %9.2f\n", n, different,
                  static_cast<unsigned long long>(c.messages), static_cast<unsigned long long>(c.bytes),
                  static_cast<unsigned long long>(c.repairs),
                  different ? static_cast<double>(c.bytes) / static_cast<double>(different) : 0.0, secs);
    }
  }
  return 0;
}
