// Arbitrary text into the herd config parser (engine/asio/herd_config.h;
// no file is read or written). Property: a config either parses or is
// refused with a ConfigError naming file, field and reason; any other
// exception escapes and libFuzzer reports it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/asio/herd_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    herd::live::parse_herd_config(text, "fuzz.json", std::string("fuzz-secret-0123456789abcdef"));
  } catch (const herd::live::ConfigError& e) {
    if (e.file() != "fuzz.json" || e.reason().empty()) {
      __builtin_printf("fuzz_herd_config: error without file or reason: %s\n", e.what());
      std::abort();
    }
  }
  return 0;
}
