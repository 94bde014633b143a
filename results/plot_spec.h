#pragma once
// A plot as plain data (series of points plus axis settings) and the one
// function that hands it to gnuplot. Only gnuplot_render.cpp includes
// gnuplot-iostream.h.
#include <string>
#include <utility>
#include <vector>

namespace herd::results {

struct PlotSeries {
  std::string title;  // legend entry (plain text, not gnuplot enhanced text)
  std::string style;  // gnuplot "with ..." clause, e.g. "steps lw 2"
  std::vector<std::pair<double, double>> points;
};

struct PlotSpec {
  std::string output;  // PNG path
  std::string title;
  std::string xlabel;
  std::string ylabel;
  std::vector<std::string> settings;  // extra gnuplot commands, e.g. "set logscale x"
  std::vector<PlotSeries> series;
};

// Quotes `s` as a gnuplot single-quoted string ('' stands for ').
std::string gnuplot_quote(const std::string& s);

// Draws `spec` into spec.output as a PNG (pngcairo if gnuplot has it, else
// png) by piping a script and the data to a `gnuplot` process; no display is
// needed and nothing persists. Throws std::runtime_error naming the output
// file and gnuplot's own error text if no non-empty PNG was written.
void render_png(const PlotSpec& spec);

}  // namespace herd::results
