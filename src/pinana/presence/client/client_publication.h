// ClientPublication: the EPA side of one RFC 3903 publication — one (Request-URI, event) with one
// entity-tag lineage — as a poll-style state machine without I/O.
//
// The owner enqueues bodies, asks next(now) for the PUBLISH to send, and feeds back the final
// response (on_response) or the loss of the transaction (on_failure). The machine keeps exactly
// one PUBLISH outstanding; bodies queued meanwhile coalesce by key (a newer body for a queued key
// replaces it in place). It refreshes before expiry, recovers from 412 by starting a new initial
// publication and re-sending the full state (PublicationConfig::full_state), retries 423 with the
// server's Min-Expires, and retries timeouts, 5xx and transport errors after a backoff (1 s
// doubling to 30 s; Retry-After wins) without losing a body. Other failures drop the body and are
// reported through PublicationConfig::on_error. 401/407 are the owner's business: if it gives up,
// it reports the final status, which counts as "other 4xx".
//
// Time comes in as arguments; next_deadline() tells the owner when to call next() again.
// Owned by one thread (the agent's io thread); not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pinana/base/clock.h"
#include "pinana/presence/client/backoff.h"

namespace pinana::presence::client {

// Key + body pairs, as the full-state callback returns them.
using KeyedBodies = std::vector<std::pair<std::string, std::string>>;

struct PublicationConfig {
  uint32_t expires = 3600;
  // Refreshes carry the last body sent instead of none (some ESCs, e.g. Kamailio, need it).
  bool refresh_with_body = false;
  // A 500 to a conditional PUBLISH is read as 412 (ESCs that lose state answer 500).
  bool treat_500_as_412 = false;
  // The complete current state, re-published after a 412. May be empty (then only the body that
  // was in flight, or the last body, is re-sent).
  std::function<KeyedBodies()> full_state;
  // A body was refused (other 4xx, 6xx, 3xx, or 423 without Min-Expires is retried instead):
  // status and the body's key ("" for a refresh or removal).
  std::function<void(int status, std::string_view key)> on_error;
};

struct PublishRequest {
  std::optional<std::string> etag;  // SIP-If-Match; absent: initial publication
  uint32_t expires = 0;             // Expires; 0: removal
  std::optional<std::string> body;  // absent: refresh or removal
};

class ClientPublication {
 public:
  struct Counters {
    uint64_t sent = 0;     // PUBLISHes handed out by next()
    uint64_t ok = 0;       // 2xx
    uint64_t c412 = 0;     // 412 (and 500 read as 412)
    uint64_t errors = 0;   // bodies or refreshes given up on (on_error calls)
    uint64_t retries = 0;  // retries scheduled after a timeout, 5xx, 423 or transport error
  };

  explicit ClientPublication(PublicationConfig config);

  // Queues `body`. A queued (not yet sent) body with the same non-empty key is replaced in place.
  // Cancels a pending unpublish().
  void enqueue(std::string key, std::string body);

  // Removes the publication: once nothing is in flight, a body-less PUBLISH with Expires: 0 and
  // SIP-If-Match if it is established; queued bodies are dropped. Then idle.
  void unpublish();

  // Ends the current publication before anything else is sent: once nothing is in flight, a
  // removal (Expires: 0, SIP-If-Match) of the established publication goes out, and the bodies
  // queued (before or after this call) follow as a new initial publication. Nothing happens when
  // no publication is established by then. For ESCs that silently ignore some modifies (Kamailio
  // skips any modify of a `dialog` publication whose stored dialog is terminated).
  void start_over();

  // The PUBLISH to send now, if any. The caller must send it and report its outcome before the
  // machine hands out another.
  std::optional<PublishRequest> next(TimePoint now);

  // The final response to the request in flight. `etag`, `expires`, `min_expires`, `retry_after`
  // are the response's SIP-ETag, Expires, Min-Expires and Retry-After, when present.
  void on_response(int status, std::optional<std::string_view> etag,
                   std::optional<uint32_t> expires, std::optional<uint32_t> min_expires,
                   std::optional<uint32_t> retry_after, TimePoint now);
  // The request in flight got no final response (timeout) or could not be sent.
  void on_failure(TimePoint now);

  // When next() may next return a request: a time <= now means "now"; nullopt while a request is
  // in flight or when there is nothing to do until something is enqueued.
  std::optional<TimePoint> next_deadline() const;

  bool established() const { return etag_.has_value(); }
  const std::optional<std::string>& etag() const { return etag_; }
  bool in_flight() const { return in_flight_.has_value(); }
  size_t queue_depth() const { return queue_.size(); }
  // Nothing queued, nothing in flight or waiting for a retry, no publication held at the ESC.
  bool idle() const;
  uint32_t expires() const { return expires_; }
  const Counters& counters() const { return counters_; }

 private:
  enum class Kind : uint8_t { kBody, kRefresh, kRemove };
  struct Outgoing {
    Kind kind = Kind::kBody;
    std::string key;
    std::optional<std::string> body;
    bool conditional = false;  // carried SIP-If-Match
  };

  void schedule_retry(Outgoing o, std::optional<uint32_t> retry_after, TimePoint now);
  void on_success(const Outgoing& o, std::optional<std::string_view> etag,
                  std::optional<uint32_t> expires, TimePoint now);
  void on_conditional_failed(Outgoing o);
  void give_up(const Outgoing& o, int status);
  // Takes a queued body for `key` out of the queue (a newer value of an in-flight body).
  std::optional<std::string> take_queued(const std::string& key);
  PublishRequest make(const Outgoing& o);

  PublicationConfig config_;
  uint32_t expires_;
  std::deque<std::pair<std::string, std::string>> queue_;
  std::optional<Outgoing> in_flight_;
  std::optional<Outgoing> retry_;        // to re-send at retry_at_
  std::optional<TimePoint> retry_at_;    // backoff: nothing is sent before
  std::optional<TimePoint> refresh_at_;  // while established
  std::optional<std::string> etag_;
  std::optional<std::pair<std::string, std::string>> last_body_;
  bool unpublishing_ = false;
  bool restart_ = false;  // start_over(): remove the established publication first
  Backoff backoff_;
  Counters counters_;
};

}  // namespace pinana::presence::client
