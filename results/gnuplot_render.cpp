// Renders a PlotSpec through gnuplot-iostream. A gnuplot that dies early
// (missing, or a script error) must not kill us with SIGPIPE, so SIGPIPE is
// blocked in this thread while we write to the pipe and any pending one is
// discarded afterwards; the failure is then reported from the missing PNG and
// gnuplot's stderr.
#include <gnuplot-iostream.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "results/plot_spec.h"

namespace herd::results {

namespace {

namespace fs = std::filesystem;

class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlocked() {
    const timespec zero{0, 0};
    while (sigtimedwait(&pipe_, nullptr, &zero) == SIGPIPE) {
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

 private:
  sigset_t pipe_{};
  sigset_t old_{};
};

// Single-quotes for /bin/sh ('\'' stands for ').
std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// gnuplot's stderr goes to a private temp file so its message can be quoted.
std::string make_stderr_file() {
  std::string tmpl = (fs::temp_directory_path() / "herd-gnuplot-XXXXXX").string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) throw std::runtime_error("plots: cannot create a temporary file in " + fs::temp_directory_path().string());
  ::close(fd);
  return tmpl;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string gnuplot_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "''";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out + "'";
}

void render_png(const PlotSpec& spec) {
  std::error_code ec;
  fs::remove(spec.output, ec);  // a stale PNG must not hide a failure
  const std::string err_file = make_stderr_file();
  {
    SigpipeBlocked guard;
    // Plain "gnuplot": no -persist, and the terminal is set before any plot,
    // so no window is ever opened and gnuplot exits when the pipe closes.
    // "|| true": failure is judged from the PNG and stderr below, and a
    // non-zero status would only make gnuplot-iostream print its own notice.
    Gnuplot gp("gnuplot 2>" + shell_quote(err_file) + " || true");
    gp << "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
          "  set terminal pngcairo size 1000,720 noenhanced font 'sans,10'\n"
          "} else {\n"
          "  set terminal png size 1000,720 noenhanced\n"
          "}\n";
    gp << "set output " << gnuplot_quote(spec.output) << "\n";
    gp << "set title " << gnuplot_quote(spec.title) << "\n";
    gp << "set xlabel " << gnuplot_quote(spec.xlabel) << "\n";
    gp << "set ylabel " << gnuplot_quote(spec.ylabel) << "\n";
    // The legend goes under the plot, one entry a line: labels name
    // strategies and sweep points, and beside the plot they took half its
    // width.
    gp << "set grid\nset key bmargin left vertical Left reverse maxcols 1\n";
    for (const auto& s : spec.settings) gp << s << "\n";
    gp << "plot ";
    for (std::size_t i = 0; i < spec.series.size(); ++i) {
      if (i) gp << ", ";
      gp << "'-' using 1:2 with " << spec.series[i].style << " title " << gnuplot_quote(spec.series[i].title);
    }
    gp << "\n";
    for (const auto& s : spec.series) gp.send1d(s.points);
    gp << "unset output\nexit\n";
    gp.flush();
  }  // ~Gnuplot closes the pipe and waits for gnuplot to finish
  const std::string errors = slurp(err_file);
  fs::remove(err_file, ec);
  if (!fs::exists(spec.output, ec) || fs::file_size(spec.output, ec) == 0) {
    fs::remove(spec.output, ec);
    throw std::runtime_error("plot '" + spec.output + "': gnuplot wrote no image" +
                             (errors.empty() ? std::string() : ": " + errors));
  }
}

}  // namespace herd::results
