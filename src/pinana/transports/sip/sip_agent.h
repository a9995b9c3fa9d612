// SipAgent: a node's SIP user agent towards the hub — the I/O around ClientPublication and
// ClientSubscription (presence/client/).
//
// It owns one UDP socket, the non-INVITE transaction table and a DigestClient (when credentials
// are configured), builds PUBLISH and SUBSCRIBE requests from what the machines hand out and sends
// every one of them to `hub` (outbound-proxy style), answers each 401/407 once per request, feeds
// final responses and transaction failures back to the machines, and serves the requests that
// arrive on the same socket: NOTIFY goes to the subscription machines (200, or 481 when none
// matches), OPTIONS gets 200, anything else 481 (in a dialog) or 405. One asio steady_timer
// covers the earliest deadline of the transactions and the machines, as in HubServer.
//
// Everything belongs to the thread that runs `io`: call every member there (or before `io` runs);
// callbacks run there too. The io_context, clock and logger must outlive the agent. Do not
// destroy the agent from inside one of its callbacks.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "pinana/base/clock.h"
#include "pinana/base/log.h"
#include "pinana/base/result.h"
#include "pinana/presence/client/client_publication.h"
#include "pinana/presence/client/client_subscription.h"
#include "pinana/sip/auth/digest_client.h"
#include "pinana/sip/transaction/transaction_table.h"
#include "pinana/sip/transport/udp_transport.h"
#include "pinana/sip/writer.h"

namespace pinana::transports::sip {

struct AgentConfig {
  pinana::sip::transport::Endpoint listen;  // UDP local endpoint (port 0 allowed); a concrete
                                            // address: it goes into Via and Contact
  pinana::sip::transport::Endpoint hub;     // where every request goes (outbound proxy style)
  std::string user;                         // From/Contact user part, e.g. "node-0a1b2c3d4e5f"
  std::string domain;                       // From host
  std::optional<std::pair<std::string, std::string>> credentials;  // digest user, password
  pinana::sip::transaction::TimerConfig timers{};
};

struct PublicationSpec {
  std::string request_uri;  // also the To URI
  std::string event;
  std::string content_type;
  uint32_t expires = 3600;
  bool refresh_with_body = false;
  bool treat_500_as_412 = false;
  // The complete current state as (key, body) pairs, re-published after a 412.
  std::function<std::vector<std::pair<std::string, std::string>>()> full_state;
};

struct SubscriptionSpec {
  std::string request_uri;  // also the To URI
  std::string event;
  std::vector<std::string> accept;  // media types for Accept; empty: no Accept header
  uint32_t expires = 600;
};

// One NOTIFY as the subscription's owner sees it. Views into the message; valid during the call.
struct NotifyView {
  std::string_view content_type;
  std::string_view body;
  std::string_view state;  // active | pending | terminated
  std::optional<std::string_view> reason;
  bool first_in_dialog = false;  // the first NOTIFY of a new dialog: full state follows
};

using PublicationId = uint32_t;
using SubscriptionId = uint32_t;

class SipAgent final : public pinana::sip::transport::TransportUser {
 public:
  SipAgent(boost::asio::io_context& io, const Clock& clock, AgentConfig config,
           Logger* log = nullptr);
  ~SipAgent() override;
  SipAgent(const SipAgent&) = delete;
  SipAgent& operator=(const SipAgent&) = delete;

  // Opens the socket; publications and subscriptions added before start() begin then.
  Status start();
  // The bound endpoint (after start()).
  pinana::sip::transport::Endpoint local() const;

  // A publication; idle until the first publish().
  PublicationId add_publication(PublicationSpec spec);
  // Queues `body` under `key` (a queued body with the same non-empty key is replaced).
  void publish(PublicationId id, std::string key, std::string body);
  // Removes the publication at the hub before what is published next, which then starts a new
  // one (ClientPublication::start_over).
  void start_over(PublicationId id);

  // A subscription; the SUBSCRIBE goes out at once (or at start()). `on_notify` gets the body of
  // every NOTIFY of it; `on_state` hears when it becomes established (true) or is lost (false).
  SubscriptionId add_subscription(SubscriptionSpec spec,
                                  std::function<void(const NotifyView&)> on_notify,
                                  std::function<void(bool established)> on_state = {});

  // Unpublishes every established publication and unsubscribes every subscription, then calls
  // `done` once all have been answered or `grace` has passed.
  void shutdown(Duration grace, std::function<void()> done);

  struct Stats {
    uint64_t publishes_sent = 0, publish_2xx = 0, publish_412 = 0, publish_errors = 0,
             publish_retries = 0, subscribes_sent = 0, notifies_received = 0, notifies_481 = 0,
             notifies_out_of_order = 0;  // refused with 500: CSeq lower than one seen
  };
  Stats stats() const;

  // State of one publication / subscription (false for an unknown id).
  bool publication_established(PublicationId id) const;
  bool subscription_established(SubscriptionId id) const;

  // TransportUser.
  void on_message(pinana::sip::transport::IncomingMessage message) override;
  void on_transport_error(const pinana::sip::transport::TransportError& error) override;

 private:
  using TxnId = pinana::sip::transaction::TransactionId;
  struct Publication;
  struct Subscription;
  // What a client transaction was for, to route its outcome and to re-send it with credentials.
  struct ClientCtx {
    bool publication = true;
    uint32_t owner = 0;
    presence::client::PublishRequest publish;
    presence::client::SubscribeRequest subscribe;
    int challenges = 0;  // challenges answered for this request so far
    bool carried_credentials = false;
    bool reported = false;  // the machine has had the outcome
  };

  void on_request(pinana::sip::transport::IncomingMessage& in);
  void on_response(const pinana::sip::Message& response);
  void handle_request(TxnId id, const pinana::sip::Message& request);
  void handle_notify(TxnId id, const pinana::sip::Message& request);
  void handle_final(TxnId id, const pinana::sip::Message& response);
  void report_failure(TxnId id);
  void respond(TxnId id, const pinana::sip::Message& request, int status,
               pinana::sip::HeaderList extra = {});

  // `challenges`: how many challenges this request has had answered (0 for a new one).
  void send_publish(PublicationId id, Publication& p, const presence::client::PublishRequest& r,
                    int challenges);
  void send_subscribe(SubscriptionId id, Subscription& s,
                      const presence::client::SubscribeRequest& r, int challenges);
  // Re-sends the request of `ctx` with credentials after a 401/407; false if it should not be.
  bool answer_challenge(const ClientCtx& ctx, const pinana::sip::Message& response);
  // Starts a client transaction for `text`; false when it could not be started.
  bool start_client(std::string text, ClientCtx ctx);
  std::string via();
  std::string token(size_t bytes = 8);

  // Carries out the table's actions. A kSend for a transaction without a context (a Completed
  // one answering a retransmission) goes to `reply_to`, routed from that retransmission.
  void execute(const pinana::sip::transaction::Outcome& outcome,
               const pinana::sip::transport::Destination* reply_to = nullptr);
  void send(const pinana::sip::transport::Destination& to, std::string_view bytes);
  void pump();
  void check_drained();
  void schedule(TimePoint when, TxnId id, pinana::sip::transaction::TimerId timer);
  void rearm();
  void on_timer_fired();
  void log(LogLevel level, std::string_view what);

  boost::asio::io_context& io_;
  const Clock& clock_;
  AgentConfig config_;
  Logger* log_;
  std::unique_ptr<pinana::sip::transport::UdpTransport> udp_;
  pinana::sip::transport::Endpoint local_;
  std::string host_port_;  // "127.0.0.1:5070", for Via and Contact
  pinana::sip::transport::Destination hub_;
  pinana::sip::transaction::TransactionTable table_;
  std::optional<pinana::sip::auth::DigestClient> digest_;
  bool started_ = false;
  bool digest_primed_ = false;  // a challenge was learned: new requests carry credentials
  bool pumping_ = false;
  bool repump_ = false;

  std::map<PublicationId, std::unique_ptr<Publication>> publications_;
  std::map<SubscriptionId, std::unique_ptr<Subscription>> subscriptions_;
  uint32_t next_id_ = 1;

  std::unordered_map<TxnId, ClientCtx, pinana::sip::transaction::TransactionIdHash> clients_;
  std::unordered_map<TxnId, pinana::sip::transport::Destination,
                     pinana::sip::transaction::TransactionIdHash>
      servers_;

  // Transaction timers by deadline; stale ones are ignored by the table when they fire.
  std::multimap<TimePoint, std::pair<TxnId, pinana::sip::transaction::TimerId>> timers_;
  boost::asio::steady_timer timer_;
  std::optional<TimePoint> armed_;

  std::function<void()> on_drained_;
  Stats stats_;  // the agent's own counts (subscribes, notifies); publishes come from machines
};

}  // namespace pinana::transports::sip
