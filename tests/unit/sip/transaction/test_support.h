// Test support for the transaction layer: SIP text builders that yield real parsed Messages, and
// FakeLoop, a stand-in for the owning event loop that executes Actions against a FakeClock.
// Test-only; single-threaded.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "pinana/base/clock.h"
#include "pinana/sip/message.h"
#include "pinana/sip/transaction/action.h"

namespace pinana::sip::transaction {
// Readable names in gtest failure messages.
inline void PrintTo(ActionKind k, std::ostream* os) {
  *os << to_string(k);
}
inline void PrintTo(TimerId t, std::ostream* os) {
  *os << "Timer" << to_string(t);
}
}  // namespace pinana::sip::transaction

namespace pinana::sip::transaction::testing {

struct RequestSpec {
  std::string method = "SUBSCRIBE";
  std::string ruri = "sip:alice@example.com";
  std::string transport = "UDP";
  std::string via_host = "192.0.2.10";
  std::string via_port = "5060";          // "" for none
  std::string branch = "z9hG4bKnashds8";  // "" for no branch parameter
  std::string to_tag;                     // "" for none
  std::string from_tag = "1928301774";
  std::string call_id = "a84b4c76e66710@pc33.example.com";
  uint32_t cseq = 314159;
  std::string cseq_method;  // "" for `method`
  std::string extra;        // more header lines, each ending in "\r\n"
};

inline std::string request_text(const RequestSpec& s) {
  std::string via = "SIP/2.0/" + s.transport + " " + s.via_host;
  if (!s.via_port.empty()) via += ":" + s.via_port;
  if (!s.branch.empty()) via += ";branch=" + s.branch;
  std::string t = s.method + " " + s.ruri + " SIP/2.0\r\n";
  t += "Via: " + via + "\r\n";
  t += "Max-Forwards: 70\r\n";
  t += "To: <sip:alice@example.com>" + (s.to_tag.empty() ? "" : ";tag=" + s.to_tag) + "\r\n";
  t += "From: <sip:bob@example.org>" + (s.from_tag.empty() ? "" : ";tag=" + s.from_tag) + "\r\n";
  t += "Call-ID: " + s.call_id + "\r\n";
  t += "CSeq: " + std::to_string(s.cseq) + " " +
       (s.cseq_method.empty() ? s.method : s.cseq_method) + "\r\n";
  t += s.extra;
  t += "Content-Length: 0\r\n\r\n";
  return t;
}

struct ResponseSpec {
  int status = 200;
  std::string reason = "OK";
  std::string branch = "z9hG4bKnashds8";
  std::string cseq_method = "SUBSCRIBE";
  uint32_t cseq = 314159;
  std::string to_tag = "8321234356";
};

inline std::string response_text(const ResponseSpec& s) {
  std::string t = "SIP/2.0 " + std::to_string(s.status) + " " + s.reason + "\r\n";
  t += "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=" + s.branch + "\r\n";
  t += "To: <sip:alice@example.com>;tag=" + s.to_tag + "\r\n";
  t += "From: <sip:bob@example.org>;tag=1928301774\r\n";
  t += "Call-ID: a84b4c76e66710@pc33.example.com\r\n";
  t += "CSeq: " + std::to_string(s.cseq) + " " + s.cseq_method + "\r\n";
  t += "Content-Length: 0\r\n\r\n";
  return t;
}

inline Message parse(const std::string& text) {
  auto m = Message::from_bytes(text, Framing::kDatagram);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().reason) << "\n" << text;
  return m.ok() ? std::move(m).value() : Message();
}

inline Message request(const RequestSpec& s = {}) {
  return parse(request_text(s));
}
inline Message response(const ResponseSpec& s = {}) {
  return parse(response_text(s));
}

inline std::string read_data_file(const std::string& relative) {
  std::ifstream in(std::string(PINANA_TEST_DATA) + "/" + relative, std::ios::binary);
  EXPECT_TRUE(in.good()) << relative;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The kinds of `actions`, in order, for compact expectations.
inline std::vector<ActionKind> kinds(const Actions& actions) {
  std::vector<ActionKind> out;
  for (const Action& a : actions) out.push_back(a.kind);
  return out;
}

inline std::optional<Duration> started(const Actions& actions, TimerId timer) {
  for (const Action& a : actions)
    if (a.kind == ActionKind::kStartTimer && a.timer == timer) return a.delay;
  return std::nullopt;
}

inline bool cancelled(const Actions& actions, TimerId timer) {
  for (const Action& a : actions)
    if (a.kind == ActionKind::kCancelTimer && a.timer == timer) return true;
  return false;
}

// What the owner did, with the time it did it (milliseconds since the loop started).
struct Event {
  int64_t at_ms;
  ActionKind kind;
  TimerId timer;
  std::string bytes;
};

// Plays the owning event loop for one transaction: keeps the armed timers, advances the clock to
// the next one due and fires it through `fire`, and logs every action it executes.
class FakeLoop {
 public:
  FakeLoop() : start_(clock.now()) {}

  void apply(const Actions& actions) {
    for (const Action& a : actions) {
      log.push_back(Event{ms_now(), a.kind, a.timer, std::string(a.bytes)});
      if (a.kind == ActionKind::kStartTimer) timers_[a.timer] = clock.now() + a.delay;
      if (a.kind == ActionKind::kCancelTimer) timers_.erase(a.timer);
      if (a.kind == ActionKind::kTerminated) timers_.clear();
    }
  }

  // Fires the earliest armed timer (advancing the clock to it); false when none is armed.
  template <typename Fire>
  bool run_next(Fire&& fire) {
    if (timers_.empty()) return false;
    auto next = timers_.begin();
    for (auto it = timers_.begin(); it != timers_.end(); ++it)
      if (it->second < next->second) next = it;
    const TimerId id = next->first;
    clock.set(next->second);
    timers_.erase(next);
    apply(fire(id));
    return true;
  }

  template <typename Fire>
  void run_all(Fire&& fire, int limit = 1000) {
    while (limit-- > 0 && run_next(fire)) {
    }
  }

  bool armed(TimerId id) const { return timers_.count(id) != 0; }
  int64_t ms_now() const {
    return std::chrono::duration_cast<Duration>(clock.now() - start_).count();
  }
  void advance_to_ms(int64_t ms) { clock.set(start_ + Duration(ms)); }

  // Times (ms) at which `kind` happened.
  std::vector<int64_t> times_of(ActionKind kind) const {
    std::vector<int64_t> out;
    for (const Event& e : log)
      if (e.kind == kind) out.push_back(e.at_ms);
    return out;
  }

  FakeClock clock;

 private:
  TimePoint start_;
  std::map<TimerId, TimePoint> timers_;

 public:
  std::vector<Event> log;
};

}  // namespace pinana::sip::transaction::testing
