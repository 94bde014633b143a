#pragma once
// Socket options for peer links (both the dialing and the accepting end).
//
// A neighbour that vanishes without closing (power loss, a cable, a
// partition in the network) sends no FIN or RST, and after HERD-WELCOME the
// acceptor never writes, so nothing would notice for hours (TCP's defaults:
// keep-alive after 2 h idle, retransmissions for ~15 min). These bound it:
// - keep-alive probes after kKeepAliveIdle of silence, every
//   kKeepAliveInterval, kKeepAliveProbes of them: an idle dead link is
//   found within 10 + 3 x 5 = 25 s;
// - TCP_USER_TIMEOUT: data unacknowledged for kUserTimeout drops the link
//   (a sender with updates queued for a dead peer finds out in 20 s).
// Both ends then drop the link; the dialer redials with back-off.
#include <chrono>

#include <boost/asio/ip/tcp.hpp>

namespace herd::live {

inline constexpr std::chrono::seconds kKeepAliveIdle{10};
inline constexpr std::chrono::seconds kKeepAliveInterval{5};
inline constexpr int kKeepAliveProbes = 3;
inline constexpr std::chrono::seconds kUserTimeout{20};

// Sets TCP_NODELAY and the options above; failures are ignored (a platform
// without them keeps TCP's defaults).
void tune_peer_socket(boost::asio::ip::tcp::socket& socket);

}  // namespace herd::live
