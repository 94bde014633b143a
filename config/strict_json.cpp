#include "config/strict_json.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <set>
#include <vector>

namespace herd {

namespace {

// nlohmann's parse_error message is "[json.exception.parse_error.101] parse
// error at line 3, column 1: syntax error while parsing value - unexpected
// end of input; expected ..."; only the part after the dash is for people.
std::string plain_reason(const std::string& what) {
  std::string r = what;
  if (const auto colon = r.find(": "); r.rfind("[json.exception.", 0) == 0 && colon != std::string::npos) {
    r = r.substr(colon + 2);
  }
  if (r.rfind("syntax error", 0) == 0) {
    if (const auto dash = r.find(" - "); dash != std::string::npos) r = r.substr(dash + 3);
  }
  return r;
}

// Line and column of the 1-based byte offset nlohmann reports, counted the
// same way as its messages (columns from 1, in bytes).
std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t byte) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

}  // namespace

std::string read_text_file(const std::string& path) {
  errno = 0;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw FileReadError(errno ? std::strerror(errno) : "cannot be opened");
  std::string text;
  char buf[65536];
  while (const std::size_t n = std::fread(buf, 1, sizeof buf, f.get())) text.append(buf, n);
  // fopen opens a directory; the read then fails with EISDIR.
  if (std::ferror(f.get())) throw FileReadError(errno ? std::strerror(errno) : "read error");
  return text;
}

namespace {

// Follows the parse, so a duplicate key and a number too large for a double
// can be named by their path ("servers[1].name").
class PathTracker {
 public:
  // nlohmann's parser callback: tracks the path, refuses duplicate keys.
  void on_event(nlohmann::json::parse_event_t event, const nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    switch (event) {
      case E::object_start:
      case E::array_start:
        element_starts();
        stack_.emplace_back();
        stack_.back().array = event == E::array_start;
        break;
      case E::object_end:
      case E::array_end:
        stack_.pop_back();
        break;
      case E::key: {
        Frame& f = stack_.back();
        f.key = parsed.get<std::string>();
        if (!f.keys.insert(f.key).second) throw DuplicateKeyError(join(prefix(stack_.size() - 1), f.key), f.key);
        break;
      }
      case E::value:
        element_starts();
        break;
    }
  }

  // The path of the scalar being read. Scalars are not on the stack, so the
  // innermost frame holds it: an object at its current key, an array at the
  // element after the last one finished.
  std::string scalar_path() const {
    if (stack_.empty()) return "";
    const Frame& f = stack_.back();
    const std::string p = prefix(stack_.size() - 1);
    return f.array ? p + "[" + std::to_string(f.index + 1) + "]" : join(p, f.key);
  }

 private:
  struct Frame {
    bool array = false;
    long index = -1;             // array: the element being read
    std::string key;             // object: the key being read
    std::set<std::string> keys;  // object: keys seen so far
  };
  static std::string join(const std::string& path, const std::string& key) {
    return path + (path.empty() ? "" : ".") + key;
  }
  void element_starts() {
    if (!stack_.empty() && stack_.back().array) ++stack_.back().index;
  }
  // The path of frames [0, n) with each frame's element in progress.
  std::string prefix(std::size_t n) const {
    std::string p;
    for (std::size_t i = 0; i < n; ++i)
      p = stack_[i].array ? p + "[" + std::to_string(stack_[i].index) + "]" : join(p, stack_[i].key);
    return p;
  }
  std::vector<Frame> stack_;
};

JsonSyntaxError syntax_error(const nlohmann::json::parse_error& e, std::string_view text) {
  const std::string what = e.what();
  // "... at line L, column C: ...": nlohmann counts lines as people do.
  unsigned long l = 0, c = 0;
  const auto at = what.find("at line ");
  if (at != std::string::npos && std::sscanf(what.c_str() + at, "at line %lu, column %lu:", &l, &c) == 2)
    return JsonSyntaxError(l, c, plain_reason(what));
  const auto [line, col] = line_column(text, e.byte);
  return JsonSyntaxError(line, col, plain_reason(what));
}

// Only a number can be out of range while parsing (a float that overflows a
// double: 1e400).
JsonPathError overflow_error(const nlohmann::json::out_of_range& e, const std::string& path) {
  std::string number;
  const std::string what = e.what();
  if (const auto q = what.find('\''), q2 = what.rfind('\''); q != std::string::npos && q2 > q)
    number = what.substr(q + 1, q2 - q - 1) + " ";
  return JsonPathError(path, "the number " + number + "is too large (beyond the range of a double)");
}

}  // namespace

nlohmann::json parse_strict_json(std::string_view text) {
  using json = nlohmann::json;
  PathTracker tracker;
  json::parser_callback_t check = [&](int, json::parse_event_t event, json& parsed) {
    tracker.on_event(event, parsed);
    return true;
  };
  try {
    return json::parse(text, check);
  } catch (const json::parse_error& e) {
    throw syntax_error(e, text);
  } catch (const json::out_of_range& e) {
    throw overflow_error(e, tracker.scalar_path());
  } catch (const json::exception& e) {
    // Not expected from parsing; still no library message or crash.
    throw JsonPathError("", plain_reason(e.what()));
  }
}

}  // namespace herd
