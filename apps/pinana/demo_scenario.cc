#include "demo_scenario.h"

#include <algorithm>

namespace pinana::app {

const std::vector<DemoPhone>& demo_phones() {
  static const std::vector<DemoPhone> phones = {
      {"PJSIP/alice", "1000", "Alice", 0}, {"PJSIP/bob", "1001", "Bob", 0},
      {"PJSIP/carol", "2000", "Carol", 1}, {"PJSIP/dave", "2001", "Dave", 1},
      {"PJSIP/erin", "3000", "Erin", 2},   {"PJSIP/frank", "3001", "Frank", 2},
  };
  return phones;
}

const std::vector<DemoHint>& demo_hints() {
  static const std::vector<DemoHint> hints = {
      {"1000", "PJSIP/alice(Alice)", 0},
      {"1001", "PJSIP/bob(Bob)", 0},
      {"2000", "PJSIP/carol(Carol)", 1},
      {"2001", "PJSIP/dave(Dave)", 1},
      {"3000", "PJSIP/erin(Erin)", 2},
      {"3001", "PJSIP/frank&Custom:frank-dnd(Frank)", 2},
      // A group lamp on C over phones of A and B: only the cluster view can light it.
      {"9000", "PJSIP/alice&PJSIP/carol(Sales)", 2},
  };
  return hints;
}

CallGenerator::CallGenerator(TimePoint start, uint32_t seed)
    : rng_(seed), next_call_(start + std::chrono::milliseconds(500)) {}

bool CallGenerator::busy(size_t phone) const {
  return std::any_of(calls_.begin(), calls_.end(),
                     [&](const Call& c) { return c.caller == phone || c.callee == phone; });
}

std::optional<DemoChange> CallGenerator::advance(Call& call, TimePoint now, bool& done) {
  const auto& phones = demo_phones();
  const DemoPhone& caller = phones[call.caller];
  const DemoPhone& callee = phones[call.callee];
  auto ms = [&](int lo, int hi) {
    return std::chrono::milliseconds(std::uniform_int_distribution<int>(lo, hi)(rng_));
  };
  switch (call.phase) {
    case Phase::kRinging:  // answer
      call.phase = Phase::kTalking;
      call.next = now + ms(2500, 5000);
      return DemoChange{callee.node, callee.device, "INUSE", std::nullopt,
                        callee.name + " answers " + caller.name};
    case Phase::kTalking:
      if (call.will_hold) {
        call.phase = Phase::kHolding;
        call.next = now + ms(1500, 3000);
        return DemoChange{callee.node, callee.device, "ONHOLD", std::nullopt,
                          callee.name + " puts " + caller.name + " on hold"};
      }
      [[fallthrough]];
    case Phase::kResumed:
      done = true;
      return DemoChange{caller.node, caller.device, "NOT_INUSE", std::nullopt,
                        caller.name + " and " + callee.name + " hang up"};
    case Phase::kHolding:
      call.phase = Phase::kResumed;
      call.next = now + ms(1500, 3000);
      return DemoChange{callee.node, callee.device, "INUSE", std::nullopt,
                        callee.name + " resumes"};
  }
  return std::nullopt;
}

std::vector<DemoChange> CallGenerator::step(TimePoint now) {
  std::vector<DemoChange> out;
  const auto& phones = demo_phones();
  for (size_t i = 0; i < calls_.size();) {
    Call& call = calls_[i];
    if (call.next > now) {
      ++i;
      continue;
    }
    bool done = false;
    if (auto change = advance(call, now, done)) out.push_back(std::move(*change));
    if (done) {
      const DemoPhone& callee = phones[call.callee];
      out.push_back({callee.node, callee.device, "NOT_INUSE", std::nullopt, ""});
      calls_.erase(calls_.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  if (now >= next_call_) {
    next_call_ =
        now + std::chrono::milliseconds(std::uniform_int_distribution<int>(1200, 2800)(rng_));
    std::vector<size_t> idle;
    for (size_t p = 0; p < phones.size(); ++p) {
      if (!busy(p)) idle.push_back(p);
    }
    if (idle.size() >= 2) {
      std::shuffle(idle.begin(), idle.end(), rng_);
      size_t a = idle[0];
      size_t b = idle[1];
      // Prefer a callee on another node: the point of the demo.
      for (size_t k = 1; k < idle.size(); ++k) {
        if (phones[idle[k]].node != phones[a].node) {
          b = idle[k];
          break;
        }
      }
      const bool hold = std::uniform_int_distribution<int>(0, 2)(rng_) == 0;
      calls_.push_back(
          {a, b, Phase::kRinging,
           now + std::chrono::milliseconds(std::uniform_int_distribution<int>(1500, 3500)(rng_)),
           hold});
      ++started_;
      out.push_back({phones[a].node, phones[a].device, "INUSE", std::nullopt,
                     phones[a].name + " (" + phones[a].exten + ") calls " + phones[b].name + " (" +
                         phones[b].exten + ")"});
      out.push_back({phones[b].node, phones[b].device, "RINGING",
                     std::make_pair(phones[a].name, phones[a].exten), ""});
    }
  }
  return out;
}

}  // namespace pinana::app
