#include "pinana/presence/client/client_subscription.h"

#include <algorithm>
#include <limits>
#include <random>

#include "pinana/sip/charset.h"

namespace pinana::presence::client {

namespace {

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

Duration seconds(int64_t s) {
  return Duration(s * 1000);
}

}  // namespace

ClientSubscription::ClientSubscription(SubscriptionConfig config)
    : config_(std::move(config)), expires_(config_.expires), start_at_(TimePoint{}) {
  if (!config_.new_token) {
    std::random_device rd;
    token_seed_ = (uint64_t{rd()} << 32) ^ rd();
  }
}

std::string ClientSubscription::token() {
  if (config_.new_token) return config_.new_token();
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t v = splitmix64(token_seed_ + ++token_counter_);
  std::string out(16, '0');
  for (char& c : out) {
    c = kHex[v & 15];
    v >>= 4;
  }
  return out;
}

std::optional<SubscribeRequest> ClientSubscription::next(TimePoint now) {
  if (in_flight_cseq_) return std::nullopt;
  switch (state_) {
    case State::kIdle:
      if (start_at_ && now >= *start_at_) {
        start_at_.reset();
        start_dialog();
        return make(expires_);
      }
      return std::nullopt;
    case State::kSubscribing:
      if (retry_now_) {
        retry_now_ = false;
        return make(expires_);
      }
      return std::nullopt;
    case State::kActive:
      if (unsubscribe_wanted_) {
        state_ = State::kUnsubscribing;
        return make(0);
      }
      if (retry_now_) {
        retry_now_ = false;
        return make(expires_);
      }
      if (timer_n_at_ && now >= *timer_n_at_) {
        drop_dialog(now + backoff_.next(), 408, "no NOTIFY after the 2xx (Timer N)");
        return std::nullopt;
      }
      if (refresh_at_ && now >= *refresh_at_) {
        refresh_at_.reset();
        return make(expires_);
      }
      return std::nullopt;
    case State::kUnsubscribing:
    case State::kClosed:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<SubscribeRequest> ClientSubscription::resend_in_flight() {
  if (!in_flight_cseq_) return std::nullopt;
  const bool initial = in_flight_initial_;
  SubscribeRequest r = make(in_flight_expires_);
  in_flight_initial_ = initial;
  if (initial) r.to_tag.clear(), r.remote_target.clear();
  return r;
}

SubscribeRequest ClientSubscription::make(uint32_t expires) {
  SubscribeRequest r;
  r.call_id = call_id_;
  r.from_tag = from_tag_;
  // A SUBSCRIBE sent before the dialog exists is still the initial one, even if a NOTIFY has
  // since told us the notifier's tag; refreshes go within the dialog.
  r.to_tag = state_ == State::kSubscribing ? std::string() : to_tag_;
  r.remote_target = r.to_tag.empty() ? std::string() : remote_target_;
  r.cseq = ++cseq_;
  r.expires = expires;
  in_flight_cseq_ = r.cseq;
  in_flight_initial_ = r.to_tag.empty();
  in_flight_expires_ = expires;
  return r;
}

void ClientSubscription::start_dialog() {
  call_id_ = token() + token();
  from_tag_ = token();
  to_tag_.clear();
  remote_target_.clear();
  cseq_ = 0;
  notified_ = false;
  remote_cseq_ = 0;
  refresh_at_.reset();
  timer_n_at_.reset();
  retry_now_ = false;
  state_ = State::kSubscribing;
  ++dialogs_started_;
  if (config_.on_new_dialog) config_.on_new_dialog();
}

void ClientSubscription::set_established(bool e) {
  if (established_ == e) return;
  established_ = e;
  if (config_.on_state) config_.on_state(e);
}

void ClientSubscription::schedule_refresh(TimePoint now, uint32_t granted) {
  refresh_at_ = now + refresh_delay(granted);
}

void ClientSubscription::drop_dialog(TimePoint when, int status, std::string_view reason) {
  in_flight_cseq_.reset();
  refresh_at_.reset();
  timer_n_at_.reset();
  retry_now_ = false;
  to_tag_.clear();
  remote_target_.clear();
  remote_cseq_ = 0;
  set_established(false);
  if (config_.on_lost) config_.on_lost(status, reason);
  if (unsubscribe_wanted_) {
    state_ = State::kClosed;
    start_at_.reset();
    return;
  }
  // Forget the dialog: a late NOTIFY for it gets 481.
  call_id_.clear();
  from_tag_.clear();
  state_ = State::kIdle;
  start_at_ = when;
}

void ClientSubscription::on_response(std::string_view call_id, uint32_t cseq, int status,
                                     std::string_view to_tag, std::string_view contact,
                                     std::optional<uint32_t> expires,
                                     std::optional<uint32_t> min_expires,
                                     std::optional<uint32_t> retry_after, TimePoint now) {
  if (status < 200 || !in_flight_cseq_ || call_id != call_id_ || cseq != *in_flight_cseq_) return;
  in_flight_cseq_.reset();
  const bool initial = in_flight_initial_;
  if (state_ == State::kUnsubscribing) {
    // Whatever the answer, this subscription is over for us.
    state_ = State::kClosed;
    set_established(false);
    return;
  }
  if (status < 300) {  // 202 is read as 200 (RFC 6665 §8.3.1)
    backoff_.reset();
    if (to_tag_.empty()) to_tag_ = std::string(to_tag);
    if (to_tag_.empty()) {
      drop_dialog(now + backoff_.next(), status, "2xx without a To tag");
      return;
    }
    if (!contact.empty()) remote_target_ = std::string(contact);
    const uint32_t granted = expires.value_or(expires_);
    if (granted == 0) {
      drop_dialog(now + backoff_.next(), status, "the notifier granted Expires: 0");
      return;
    }
    if (state_ == State::kSubscribing) {
      state_ = State::kActive;
      if (!notified_) timer_n_at_ = now + config_.timer_n;
    }
    set_established(true);
    schedule_refresh(now, granted);
    return;
  }
  if (status == 423 && min_expires) {
    expires_ = std::max<uint32_t>(*min_expires, 1);
    retry_now_ = true;
    return;
  }
  if (initial || status == 481 || status == 408) {
    drop_dialog(now + backoff_.next(retry_after), status,
                initial ? "initial SUBSCRIBE refused" : "refresh refused");
    return;
  }
  // Another failure of a refresh: the subscription holds until it expires; try again later.
  refresh_at_ = now + backoff_.next(retry_after);
}

void ClientSubscription::on_failure(std::string_view call_id, uint32_t cseq, TimePoint now) {
  on_response(call_id, cseq, 408, {}, {}, std::nullopt, std::nullopt, std::nullopt, now);
}

NotifyVerdict ClientSubscription::on_notify(const NotifyInfo& n, TimePoint now) {
  NotifyVerdict v;
  if (call_id_.empty() || n.call_id != call_id_ || n.to_tag != from_tag_ ||
      !sip::chars::iequals(n.event_type, config_.event) || n.event_id != config_.event_id)
    return v;
  if (!to_tag_.empty() && n.from_tag != to_tag_) return v;  // another (forked) dialog
  // RFC 3261 §12.2.2: a request whose CSeq is lower than the remote sequence number is out of
  // order and rejected with 500. A notifier with several workers (Kamailio) can send a NOTIFY
  // after a newer one; its body is older state and must not be applied.
  if (notified_ && n.cseq < remote_cseq_) {
    v.status = 500;
    return v;
  }
  remote_cseq_ = n.cseq;
  v.status = 200;
  if (state_ == State::kUnsubscribing || state_ == State::kClosed) return v;
  if (state_ != State::kSubscribing && state_ != State::kActive) return v;
  // RFC 6665 §4.1.2.4: a NOTIFY before the 2xx creates the dialog.
  if (to_tag_.empty()) to_tag_ = std::string(n.from_tag);
  if (!n.contact.empty()) remote_target_ = std::string(n.contact);
  v.deliver = true;
  v.first_in_dialog = !notified_;
  notified_ = true;
  timer_n_at_.reset();
  if (sip::chars::iequals(n.state, "terminated")) {
    TimePoint when = now;
    const std::string_view r = n.reason;
    if (r.empty() || sip::chars::iequals(r, "deactivated") || sip::chars::iequals(r, "timeout")) {
      when = now;
    } else if (sip::chars::iequals(r, "probation") || sip::chars::iequals(r, "giveup")) {
      when = now + (n.retry_after >= 0 ? seconds(n.retry_after) : config_.probation_retry);
    } else {
      when = now + (n.retry_after >= 0 ? seconds(n.retry_after) : config_.rejected_retry);
    }
    drop_dialog(when, 0, r.empty() ? std::string_view("terminated") : r);
    return v;
  }
  // The dialog exists now, whether or not the 2xx has come.
  state_ = State::kActive;
  set_established(true);
  if (n.expires >= 0) {
    const TimePoint t = now + refresh_delay(static_cast<uint32_t>(std::min<int64_t>(
                                  n.expires, std::numeric_limits<uint32_t>::max())));
    if (!refresh_at_ || t < *refresh_at_) refresh_at_ = t;
  }
  return v;
}

void ClientSubscription::unsubscribe() {
  unsubscribe_wanted_ = true;
  if (state_ == State::kIdle) {
    state_ = State::kClosed;
    start_at_.reset();
  }
  retry_now_ = retry_now_ && state_ == State::kSubscribing;
}

std::optional<TimePoint> ClientSubscription::next_deadline() const {
  if (in_flight_cseq_) return std::nullopt;
  switch (state_) {
    case State::kIdle:
      return start_at_;
    case State::kSubscribing:
      return retry_now_ ? std::optional<TimePoint>(TimePoint{}) : std::nullopt;
    case State::kActive: {
      if (unsubscribe_wanted_ || retry_now_) return TimePoint{};
      std::optional<TimePoint> t = refresh_at_;
      if (timer_n_at_ && (!t || *timer_n_at_ < *t)) t = timer_n_at_;
      return t;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace pinana::presence::client
