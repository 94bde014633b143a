#pragma once
// The node's host in a live server (internal to the Asio driver): owns the
// herd::Node and everything it needs (client directory, places provider,
// durable table, observer) and implements its NodeContext on the server's
// io_context: clock = CLOCK_REALTIME, timers on steady_timer, places through
// a PlacesProvider, persist into the DurableTable, and sends to the server's
// client sessions (ConnectionRegistry) and outbound links (PeerLinks).
//
// The node is never entered from inside one of its own calls
// (herd/context.h): sessions give it input from their own completion
// handlers, and what happens inside a node call is posted (post_input).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "engine/asio/herd_config.h"
#include "engine/asio/limit_log.h"
#include "engine/asio/live_server.h"
#include "engine/asio/server_log.h"
#include "engine/places/places_provider.h"
#include "herd/client_directory.h"
#include "herd/context.h"
#include "herd/node.h"

namespace herd::durable {
class DurableTable;
}

namespace herd::live {

class ConnectionRegistry;
class PeerLinks;

// The one place a live server's node is made: its name, its links (all down
// until they connect), its limits and its propagation strategy.
std::unique_ptr<Node> make_live_node(const HerdConfig& config, const ServerConfig& self, std::size_t neighbours,
                                     bool persist, NodeContext& ctx, ClientDirectory& clients);

class NodeHost final : public NodeContext {
 public:
  // Makes the places provider (options.places, else make_places_provider)
  // and the node; throws what the places factory throws.
  NodeHost(boost::asio::io_context& io, const HerdConfig& config, const ServerConfig& self, std::size_t neighbours,
           ServerLog& log, const ServerOptions& options, ConnectionRegistry& connections, PeerLinks& links);
  ~NodeHost() override;

  Node& node() { return *node_; }
  const Node& node() const { return *node_; }

  // Loads the durable table (if the config has one) into the node. Called
  // before anything is accepted, so no client ever sees a server that has
  // forgotten what it had. Throws std::runtime_error if the table refuses.
  void open_table();
  // For the banner: "table <path> (N reports restored, durability D)" or
  // "table in memory only".
  std::string table_summary() const;
  // Logs the reports the table holds but could not restore, if any.
  void log_restore_warning();
  // No input reaches the node from now on (timers, lookups and posted
  // inputs are dropped) and nothing more is persisted.
  void stop();
  bool stopped() const { return stopped_; }
  // Writes the table's last commit; a failure is logged.
  void close_table();

  // Gives the node an input from the io_context's queue, after the handler
  // running now: for what happens inside a node call. Dropped once stopped.
  void post_input(std::function<void(Node&)> input);
  // A line from authenticated neighbour `from`, which dialed with protocol
  // `version`: a peer message of that version goes to the node, anything
  // else is logged against `who` and ignored.
  void peer_line(PeerId from, std::string_view line, const std::string& who, int version);

  // NodeContext
  Nanos now() override;
  void send_to_client(ConnId conn, std::string_view bytes) override;
  void close_client(ConnId conn) override;
  void send_to_peer(PeerId peer, const PeerMessage& m) override;
  void start_timer(TimerId id, Nanos delay) override;
  void lookup_places(LookupId id, const PlacesQuery& q) override;
  void persist(const Report& r) override;
  NodeObserver& observer() override { return limit_log_; }

 private:
  boost::asio::io_context& io_;
  const HerdConfig& config_;
  const ServerConfig& self_;
  ServerLog& log_;
  ConnectionRegistry& connections_;
  PeerLinks& links_;
  const bool durable_;  // a table on disk: data_dir set and durability not off
  ClientDirectory clients_;
  LimitLog limit_log_;
  std::unique_ptr<places::PlacesProvider> places_;
  std::unique_ptr<Node> node_;
  std::unique_ptr<durable::DurableTable> table_;  // null: durability off or no data_dir
  std::size_t table_restored_ = 0, table_not_restored_ = 0;
  bool stopped_ = false;
  // Completions (timers, lookups, posted inputs) outlive nothing: they check it.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  // The node floods one update to each neighbour in turn; format it once.
  // Only updates are cached: a control message carries no report to key on.
  ReportRef formatted_report_;  // held, so its address cannot be reused meanwhile
  std::uint16_t formatted_hops_ = 0;
  std::string formatted_;
};

}  // namespace herd::live
