// HubServer: `pinana hub` assembled — SIP transports (UDP, TCP; IPv4, IPv6), the non-INVITE
// transaction table, the RFC 3261 §8.2 request checks, per-source rate limits, digest
// authentication with per-user publish/subscribe rules, and the presence core with its event
// packages (DESIGN.md §5).
//
// It is the transports' TransportUser and the executor of the actions that the pure state
// machines (TransactionTable, PresenceService) return: it sends bytes, arms one asio timer for the
// earliest deadline, and reports NOTIFY outcomes back to the presence core. Everything belongs to
// the thread that runs `io`; other threads post to it. The io_context and clock must outlive it.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "pinana/base/buffer_pool.h"
#include "pinana/base/clock.h"
#include "pinana/base/log.h"
#include "pinana/hub/hub_config.h"
#include "pinana/hub/hub_metrics.h"
#include "pinana/hub/rate_limiter.h"
#include "pinana/hub/timer_queue.h"
#include "pinana/presence/package_registry.h"
#include "pinana/presence/presence_service.h"
#include "pinana/sip/auth/credential_source.h"
#include "pinana/sip/auth/digest_server.h"
#include "pinana/sip/transaction/transaction_map.h"
#include "pinana/sip/transaction/transaction_table.h"
#include "pinana/sip/transport/tcp_transport.h"
#include "pinana/sip/transport/udp_transport.h"
#include "pinana/sip/writer.h"

namespace pinana::hub {

class HubServer final : public sip::transport::TransportUser, private sip::auth::CredentialSource {
 public:
  // `log` (may be null: silent) must outlive the server.
  HubServer(boost::asio::io_context& io, const Clock& clock, HubConfig config,
            Logger* log = nullptr);
  ~HubServer() override;
  HubServer(const HubServer&) = delete;
  HubServer& operator=(const HubServer&) = delete;

  // Opens every configured listener. An error names the listener that failed.
  Status start();
  // The bound endpoints, in the order of config.listen (port 0 resolved).
  const std::vector<sip::transport::Endpoint>& bound() const { return bound_; }

  // Sends terminating NOTIFYs to every watcher and calls `done` once each has had its outcome or
  // `grace` has passed; the listeners stay open meanwhile so the responses can arrive.
  void shutdown(Duration grace, std::function<void()> done);

  // Prometheus text exposition of the hub's metrics.
  std::string metrics_text() const;

  // TransportUser.
  void on_message(sip::transport::IncomingMessage message) override;
  void on_transport_error(const sip::transport::TransportError& error) override;

 private:
  struct ServerCtx {
    sip::transport::Destination reply_to;
  };
  struct ClientCtx {
    presence::SubscriptionId subscription;
    sip::transport::Destination to;
    bool reported = false;
  };
  using TxnId = sip::transaction::TransactionId;

  // CredentialSource.
  std::optional<sip::auth::DigestSecret> lookup(
      std::string_view username, std::string_view realm,
      sip::auth::DigestAlgorithm algorithm) const override;

  void on_request(sip::transport::IncomingMessage& in);
  void on_response(const sip::Message& response);
  void handle_new_request(TxnId id, const sip::Message& request,
                          const sip::transport::IncomingMessage& in);
  void handle_presence(TxnId id, const sip::Message& request,
                       const sip::transport::IncomingMessage& in);
  // Access control for PUBLISH and SUBSCRIBE; returns false after answering.
  bool authorize(TxnId id, const sip::Message& request, const sip::transport::IncomingMessage& in,
                 std::string& user);

  void respond(TxnId id, const sip::Message& request, int status, std::string_view reason = {},
               sip::HeaderList extra = {});
  void respond_text(TxnId id, std::string text);
  // Carries out the table's actions. A kSend for a transaction without a context (a Completed
  // one answering a retransmission) goes to `reply_to`, routed from that retransmission.
  void execute(const sip::transaction::Outcome& outcome,
               const sip::transport::Destination* reply_to = nullptr);
  void run_presence(presence::Actions actions);
  void send_notify(presence::OutgoingNotify notify);
  void notify_outcome(TxnId id, int status);
  void send(const sip::transport::Destination& to, std::string_view bytes);
  void debug(std::string_view what);

  void schedule(Duration delay, TxnId id, sip::transaction::TimerId timer);
  void rearm();
  void on_timer_fired();
  void release_memory();

  std::string to_tag();

  boost::asio::io_context& io_;
  // The caller's clock as of the start of the current event (a datagram, a transport error, a
  // timer): one read per event instead of one per transaction, timer and subscription touched.
  CachedClock clock_;
  Logger* log_;
  HubConfig config_;
  std::vector<std::unique_ptr<sip::transport::UdpTransport>> udp_;
  std::unique_ptr<sip::transport::TcpTransport> tcp_;
  std::vector<sip::transport::Endpoint> bound_;

  BufferPool buffers_{4096};  // NOTIFY texts, recycled (before table_ and presence_, which use it)
  sip::transaction::TransactionTable table_;
  std::vector<std::unique_ptr<presence::EventPackage>> packages_;
  presence::PackageRegistry registry_;
  std::unique_ptr<presence::PresenceService> presence_;
  std::optional<sip::auth::DigestServer> digest_;
  RateLimiter rate_;
  HubMetrics metrics_;

  sip::transaction::TransactionMap<ServerCtx> servers_;
  sip::transaction::TransactionMap<ClientCtx> clients_;

  TimerQueue timers_;  // the transactions' timers
  std::optional<TimePoint> presence_deadline_;
  boost::asio::steady_timer timer_;
  std::optional<TimePoint> armed_;

  // Transactions at the last peak, for release_memory(): a burst of requests leaves its
  // transactions' memory with the process (indexes keep their peak size, the timer heap
  // its peak capacity, glibc the freed heap pages) unless handed back once they are gone.
  size_t txn_peak_ = 0;
  bool after_burst_ = false;      // a peak of at least 4,096 transactions is not yet released
  uint64_t memory_releases_ = 0;  // for the metrics

  std::function<void()> on_drained_;
  uint64_t tag_counter_ = 0;
  std::string tag_prefix_;
};

}  // namespace pinana::hub
