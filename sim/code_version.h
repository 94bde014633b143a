#pragma once
// The code that made a result: "<project version>+<git commit>", with
// "-dirty" when the build had uncommitted changes to tracked files, or
// "+unknown" outside a git checkout. Taken at build time, not at configure
// time (cmake/code_version.cmake).

namespace herd::sim {

const char* code_version();

}  // namespace herd::sim
