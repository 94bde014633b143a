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
  // When it equals a WHATSAT's bound, `body` is already that reply's body
  // (cut to the bound and printed as places_reply_body prints) and is sent
  // as it is. The offline provider sets it: its reads skip a parse and a
  // re-print. -1: `body` is the provider's document, to be cut and printed.
  int rendered_for_bound = -1;
};

}  // namespace herd
