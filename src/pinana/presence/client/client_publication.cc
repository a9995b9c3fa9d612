#include "pinana/presence/client/client_publication.h"

#include <algorithm>
#include <set>

namespace pinana::presence::client {

ClientPublication::ClientPublication(PublicationConfig config)
    : config_(std::move(config)), expires_(config_.expires) {}

void ClientPublication::enqueue(std::string key, std::string body) {
  unpublishing_ = false;
  if (!key.empty()) {
    if (retry_ && retry_->kind == Kind::kBody && retry_->key == key) {
      retry_->body = std::move(body);
      return;
    }
    for (auto& q : queue_) {
      if (q.first == key) {
        q.second = std::move(body);
        return;
      }
    }
  }
  queue_.emplace_back(std::move(key), std::move(body));
}

void ClientPublication::unpublish() {
  queue_.clear();
  retry_.reset();
  retry_at_.reset();  // the removal goes at once, even during a backoff
  unpublishing_ = etag_.has_value() || in_flight_.has_value();
}

void ClientPublication::start_over() {
  restart_ = true;
}

bool ClientPublication::idle() const {
  return !in_flight_ && !retry_ && queue_.empty() && !etag_ && !unpublishing_;
}

std::optional<PublishRequest> ClientPublication::next(TimePoint now) {
  if (in_flight_) return std::nullopt;
  if (retry_at_ && now < *retry_at_) return std::nullopt;
  retry_at_.reset();
  if (unpublishing_) {
    retry_.reset();
    if (!etag_) {
      unpublishing_ = false;
      return std::nullopt;
    }
    return make(Outgoing{Kind::kRemove, {}, std::nullopt, true});
  }
  if (restart_) {
    // The removal's outcome (2xx, 412, given up) forgets the entity-tag; a lost one is retried.
    if (etag_) return make(Outgoing{Kind::kRemove, {}, std::nullopt, true});
    restart_ = false;
  }
  if (retry_) {
    Outgoing o = std::move(*retry_);
    retry_.reset();
    if (o.kind == Kind::kBody) {
      o.conditional = etag_.has_value();
      return make(o);
    }
    if (o.kind == Kind::kRefresh && etag_) return make(o);
  }
  if (!queue_.empty()) {
    Outgoing o{Kind::kBody, std::move(queue_.front().first), std::move(queue_.front().second),
               etag_.has_value()};
    queue_.pop_front();
    return make(o);
  }
  if (etag_ && refresh_at_ && now >= *refresh_at_) {
    refresh_at_.reset();
    Outgoing o{Kind::kRefresh, {}, std::nullopt, true};
    if (config_.refresh_with_body && last_body_) {
      o.key = last_body_->first;
      o.body = last_body_->second;
    }
    return make(o);
  }
  return std::nullopt;
}

PublishRequest ClientPublication::make(const Outgoing& o) {
  PublishRequest r;
  if (o.conditional) r.etag = etag_;
  r.expires = o.kind == Kind::kRemove ? 0 : expires_;
  r.body = o.body;
  in_flight_ = o;
  ++counters_.sent;
  return r;
}

void ClientPublication::on_response(int status, std::optional<std::string_view> etag,
                                    std::optional<uint32_t> expires,
                                    std::optional<uint32_t> min_expires,
                                    std::optional<uint32_t> retry_after, TimePoint now) {
  if (!in_flight_ || status < 200) return;
  Outgoing o = std::move(*in_flight_);
  in_flight_.reset();
  if (status < 300) {
    on_success(o, etag, expires, now);
  } else if (o.conditional && (status == 412 || (status == 500 && config_.treat_500_as_412))) {
    on_conditional_failed(std::move(o));
  } else if (status == 423 && min_expires && o.kind != Kind::kRemove) {
    // RFC 3903 §4.1: retry the same request with an Expires the ESC accepts, at once.
    expires_ = std::max<uint32_t>(*min_expires, 1);
    ++counters_.retries;
    if (!unpublishing_) retry_ = std::move(o);
  } else if (status == 408 || status == 423 || (status >= 500 && status < 600)) {
    schedule_retry(std::move(o), retry_after, now);
  } else {
    give_up(o, status);
  }
}

void ClientPublication::on_failure(TimePoint now) {
  if (!in_flight_) return;
  Outgoing o = std::move(*in_flight_);
  in_flight_.reset();
  schedule_retry(std::move(o), std::nullopt, now);
}

void ClientPublication::on_success(const Outgoing& o, std::optional<std::string_view> etag,
                                   std::optional<uint32_t> expires, TimePoint now) {
  ++counters_.ok;
  backoff_.reset();
  if (o.kind == Kind::kRemove) {
    etag_.reset();
    refresh_at_.reset();
    last_body_.reset();
    unpublishing_ = false;
    return;
  }
  if (o.body) last_body_.emplace(o.key, *o.body);
  const uint32_t granted = expires.value_or(expires_);
  if (!etag || etag->empty() || granted == 0) {
    // No entity-tag to continue the lineage with: the next body starts a new one.
    etag_.reset();
    refresh_at_.reset();
    return;
  }
  etag_ = std::string(*etag);
  refresh_at_ = now + refresh_delay(granted);
}

void ClientPublication::on_conditional_failed(Outgoing o) {
  ++counters_.c412;
  // RFC 3903 §4.1: never retry with that entity-tag; a new initial publication with full state.
  etag_.reset();
  refresh_at_.reset();
  if (o.kind == Kind::kRemove || unpublishing_) {
    unpublishing_ = false;  // the ESC holds nothing for us any more
    return;
  }
  std::deque<std::pair<std::string, std::string>> rebuilt;
  std::set<std::string, std::less<>> keys;
  auto add = [&](std::string key, std::string body) {
    if (!key.empty()) {
      if (keys.count(key)) return;
      keys.insert(key);
    }
    rebuilt.emplace_back(std::move(key), std::move(body));
  };
  KeyedBodies full;
  if (config_.full_state) full = config_.full_state();
  for (auto& [k, b] : full) add(std::move(k), std::move(b));
  const auto queued = [&](const std::string& key) {
    return !key.empty() &&
           std::any_of(queue_.begin(), queue_.end(), [&](const auto& q) { return q.first == key; });
  };
  if (o.kind == Kind::kBody && o.body && !queued(o.key)) {
    add(std::move(o.key), std::move(*o.body));
  } else if (!config_.full_state && last_body_ && !queued(last_body_->first)) {
    add(last_body_->first, last_body_->second);
  }
  for (auto& q : queue_) add(std::move(q.first), std::move(q.second));
  queue_ = std::move(rebuilt);
}

void ClientPublication::schedule_retry(Outgoing o, std::optional<uint32_t> retry_after,
                                       TimePoint now) {
  if (unpublishing_ && o.kind != Kind::kRemove) return;  // next() goes on with the removal
  ++counters_.retries;
  retry_at_ = now + backoff_.next(retry_after);
  if (o.kind == Kind::kRemove) return;  // unpublishing_ rebuilds it
  if (o.kind == Kind::kBody && !o.key.empty()) {
    if (auto newer = take_queued(o.key)) o.body = std::move(newer);
  }
  retry_ = std::move(o);
}

void ClientPublication::give_up(const Outgoing& o, int status) {
  ++counters_.errors;
  if (o.kind == Kind::kRemove) {
    etag_.reset();
    refresh_at_.reset();
    unpublishing_ = false;
  } else if (o.kind == Kind::kRefresh) {
    // The ESC refused to extend the publication; the next body starts a new one.
    etag_.reset();
    refresh_at_.reset();
  }
  if (config_.on_error) config_.on_error(status, o.key);
}

std::optional<std::string> ClientPublication::take_queued(const std::string& key) {
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (it->first == key) {
      std::string body = std::move(it->second);
      queue_.erase(it);
      return body;
    }
  }
  return std::nullopt;
}

std::optional<TimePoint> ClientPublication::next_deadline() const {
  if (in_flight_) return std::nullopt;
  if (unpublishing_ || retry_ || restart_ || !queue_.empty()) {
    return retry_at_.value_or(TimePoint{});
  }
  if (etag_ && refresh_at_) return retry_at_ ? std::max(*retry_at_, *refresh_at_) : *refresh_at_;
  return std::nullopt;
}

}  // namespace pinana::presence::client
