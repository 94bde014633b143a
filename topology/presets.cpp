#include "topology/presets.h"

namespace herd {

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all = {
      {"goloman",
       {"Goloman", "Hands", "Holiday", "Welsh", "Wilkes"},
       {{"Goloman", "Hands"}, {"Goloman", "Holiday"}, {"Goloman", "Wilkes"},
        {"Hands", "Wilkes"}, {"Holiday", "Welsh"}, {"Holiday", "Wilkes"}}},
      {"hill",
       {"Hill", "Jaquez", "Smith", "Campbell", "Singleton"},
       {{"Hill", "Jaquez"}, {"Hill", "Smith"}, {"Singleton", "Jaquez"},
        {"Singleton", "Smith"}, {"Singleton", "Campbell"}, {"Smith", "Campbell"}}},
      {"riley",
       {"Riley", "Jaquez", "Juzang", "Campbell", "Bernard"},
       {{"Riley", "Jaquez"}, {"Riley", "Juzang"}, {"Bernard", "Jaquez"},
        {"Bernard", "Juzang"}, {"Bernard", "Campbell"}, {"Juzang", "Campbell"}}},
      {"clark",
       {"Clark", "Jaquez", "Juzang", "Johnson", "Bernard"},
       {{"Clark", "Jaquez"}, {"Clark", "Juzang"}, {"Bernard", "Jaquez"},
        {"Bernard", "Juzang"}, {"Bernard", "Johnson"}, {"Juzang", "Johnson"}}},
      {"bailey",
       {"Bailey", "Bona", "Campbell", "Clark", "Jaquez"},
       {{"Clark", "Jaquez"}, {"Clark", "Bona"}, {"Campbell", "Bailey"},
        {"Campbell", "Bona"}, {"Campbell", "Jaquez"}, {"Bona", "Bailey"}}},
      {"alford",
       {"Alford", "Ball", "Hamilton", "Holiday", "Welsh"},
       {{"Alford", "Hamilton"}, {"Alford", "Welsh"}, {"Hamilton", "Holiday"},
        {"Holiday", "Ball"}, {"Ball", "Welsh"}}},
  };
  return all;
}

const Preset* find_preset(std::string_view name) {
  for (const auto& p : presets()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace herd
