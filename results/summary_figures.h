#pragma once
// A run's summary as a list of named figures, in the schema's column order,
// so `herd report` (table and JSON), `herd diff` (ratios) and golden checks
// name and format them one way. Names are the `summary` columns'.
#include <optional>
#include <string>
#include <vector>

#include "results/run_record.h"

namespace herd::results {

enum class FigureUnit {
  count,     // a whole number: updates, reads, events
  nanos,     // a duration in ns, shown in ms
  fraction,  // 0..1
  ratio,     // a non-negative real, e.g. messages per update
  seconds,   // wall-clock seconds
  bytes,     // shown in MiB
};

struct Figure {
  const char* name;             // the summary column, e.g. "convergence_p50_ns"
  const char* label;            // short heading for tables, e.g. "p50"
  FigureUnit unit;
  std::optional<double> value;  // nullopt where the column is NULL (no converged update)
  bool wall_clock = false;      // differs between identical runs (wall time, memory)
};

std::vector<Figure> summary_figures(const Summary& s);

// "12.345ms", "0.8666", "14.00", "10.0MiB", "560"; "-" for no value.
std::string format_figure(const Figure& f);

}  // namespace herd::results
