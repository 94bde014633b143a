#pragma once
// What the node asks a places service and what it gets back.
#include <string>

#include "herd/coordinates.h"

namespace herd {

struct PlacesQuery {
  Coordinates center;
  double radius_m = 0;  // WHATSAT's kilometres x 1000
  int max_results = 20; // WHATSAT's bound; providers may return more
};

struct PlacesResult {
  // ok: `body` is a JSON object in Google's legacy Nearby Search shape (which
  // may itself carry an error `status` such as REQUEST_DENIED).
  // !ok: the lookup failed before any such body (network, timeout, HTTP
  // error, unparseable reply); `status` and `error_message` say why.
  bool ok = false;
  std::string body;
  std::string status = "UNKNOWN_ERROR";
  std::string error_message;
};

}  // namespace herd
