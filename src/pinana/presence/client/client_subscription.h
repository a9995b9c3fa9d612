// ClientSubscription: the subscriber side of one RFC 6665 subscription (one Request-URI and event,
// one dialog at a time) as a poll-style state machine without I/O.
//
// The owner asks next(now) for the SUBSCRIBE to send, feeds back its final response
// (on_response) or its loss (on_failure), and passes every NOTIFY that arrives to on_notify(),
// which says how to answer it (200, 481, or 500 for a NOTIFY whose CSeq is lower than one already
// seen in the dialog, RFC 3261 §12.2.2) and whether to deliver its body. The machine starts a
// new dialog (new Call-ID and From tag) for each initial SUBSCRIBE, refreshes within the dialog
// at max(expires - 5 s, expires / 2) after the 2xx, accepts a NOTIFY that arrives before the 2xx
// (§4.1.2.4), acts on Subscription-State terminated by reason, and re-subscribes after 481, 408,
// timeouts and failed initial SUBSCRIBEs with a backoff (1 s doubling to 30 s). 423 is retried
// with Min-Expires. 401/407 are the owner's business (resend_in_flight() gives the next CSeq).
//
// Events for the owner come through SubscriptionConfig callbacks, called from inside the
// machine's methods. Time comes in as arguments. Owned by one thread; not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "pinana/base/clock.h"
#include "pinana/presence/client/backoff.h"

namespace pinana::presence::client {

struct SubscriptionConfig {
  std::string event;  // the Event package (compared case-insensitively with NOTIFY's)
  uint32_t expires = 600;
  std::string event_id;  // Event ;id= ("" for none)
  // A fresh random token for Call-IDs and From tags. Empty: a built-in generator
  // (std::random_device seeded; good enough for tests, the agent passes a CSPRNG).
  std::function<std::string()> new_token;
  Duration probation_retry{30000};  // probation/giveup without retry-after
  Duration rejected_retry{60000};   // rejected/noresource/others
  Duration timer_n{32000};          // RFC 6665 Timer N: 64*T1 for the first NOTIFY after a 2xx
  // A new dialog is starting: its first NOTIFY carries full state.
  std::function<void()> on_new_dialog;
  // The subscription became established (true) or was lost (false).
  std::function<void(bool established)> on_state;
  // A terminated NOTIFY or an error ended the subscription; status 0 for a NOTIFY.
  std::function<void(int status, std::string_view reason)> on_lost;
};

struct SubscribeRequest {
  std::string call_id;
  std::string from_tag;
  std::string to_tag;         // "" for an initial SUBSCRIBE
  std::string remote_target;  // in-dialog: the notifier's Contact URI; "" for an initial one
  uint32_t cseq = 1;
  uint32_t expires = 0;  // 0: unsubscribe
  bool initial() const { return to_tag.empty(); }
};

// What the machine needs to know of a NOTIFY.
struct NotifyInfo {
  std::string_view call_id;
  std::string_view from_tag;  // the notifier's tag
  std::string_view to_tag;    // ours
  std::string_view event_type;
  std::string_view event_id;
  std::string_view contact;  // the Contact URI ("" if absent)
  std::string_view state;    // Subscription-State value
  std::string_view reason;
  int64_t expires = -1;  // -1: absent
  int64_t retry_after = -1;
  uint32_t cseq = 0;  // the CSeq number
};

struct NotifyVerdict {
  int status = 481;      // the response to send
  bool deliver = false;  // pass the body to the owner
  bool first_in_dialog = false;
};

class ClientSubscription {
 public:
  enum class State : uint8_t {
    kIdle,           // nothing sent yet, or waiting to start a new dialog
    kSubscribing,    // initial SUBSCRIBE sent, no dialog yet
    kActive,         // dialog established
    kUnsubscribing,  // unsubscribe requested; waiting for it to be answered
    kClosed,         // unsubscribed (or never started and unsubscribe() called)
  };

  explicit ClientSubscription(SubscriptionConfig config);

  // The SUBSCRIBE to send now, if any.
  std::optional<SubscribeRequest> next(TimePoint now);
  // The request in flight again with the next CSeq (for a digest retry); nullopt if none.
  std::optional<SubscribeRequest> resend_in_flight();

  // The final response to the SUBSCRIBE of (call_id, cseq). Responses to anything else than the
  // request in flight are ignored. `to_tag` and `contact` (URI) come from the response.
  void on_response(std::string_view call_id, uint32_t cseq, int status, std::string_view to_tag,
                   std::string_view contact, std::optional<uint32_t> expires,
                   std::optional<uint32_t> min_expires, std::optional<uint32_t> retry_after,
                   TimePoint now);
  // The SUBSCRIBE of (call_id, cseq) timed out or could not be sent.
  void on_failure(std::string_view call_id, uint32_t cseq, TimePoint now);

  NotifyVerdict on_notify(const NotifyInfo& notify, TimePoint now);

  // Ends the subscription (SUBSCRIBE Expires: 0 in the dialog when there is one).
  void unsubscribe();

  std::optional<TimePoint> next_deadline() const;

  State state() const { return state_; }
  bool established() const { return established_; }
  bool closed() const { return state_ == State::kClosed; }
  bool in_flight() const { return in_flight_cseq_.has_value(); }
  const std::string& call_id() const { return call_id_; }
  uint32_t expires() const { return expires_; }
  uint64_t dialogs_started() const { return dialogs_started_; }

 private:
  SubscribeRequest make(uint32_t expires);
  void start_dialog();
  // The dialog is over; start a new one at `when` (unless unsubscribing).
  void drop_dialog(TimePoint when, int status, std::string_view reason);
  void set_established(bool e);
  void schedule_refresh(TimePoint now, uint32_t granted);
  std::string token();

  SubscriptionConfig config_;
  uint32_t expires_;
  State state_ = State::kIdle;
  bool established_ = false;
  bool unsubscribe_wanted_ = false;
  std::string call_id_, from_tag_, to_tag_, remote_target_;
  uint32_t cseq_ = 0;
  std::optional<uint32_t> in_flight_cseq_;
  bool in_flight_initial_ = false;
  uint32_t in_flight_expires_ = 0;
  bool notified_ = false;                // a NOTIFY arrived in this dialog
  uint32_t remote_cseq_ = 0;             // the highest NOTIFY CSeq accepted in this dialog
  std::optional<TimePoint> start_at_;    // kIdle: when to send the next initial SUBSCRIBE
  std::optional<TimePoint> refresh_at_;  // kActive
  std::optional<TimePoint> timer_n_at_;  // kActive, no NOTIFY yet
  bool retry_now_ = false;               // 423: re-send at once
  Backoff backoff_;
  uint64_t dialogs_started_ = 0;
  uint64_t token_counter_ = 0;
  uint64_t token_seed_ = 0;
};

}  // namespace pinana::presence::client
