// TimerConfig and Reliability: the RFC 3261 timer values (Table 4) that the non-INVITE transactions
// use, and whether the transport a transaction runs on retransmits by itself.
//
// Plain values, copied into every transaction; any thread. Defaults are RFC 3261's: T1 = 500 ms,
// T2 = 4 s, T4 = 5 s. T1 may be raised on high-latency links; lowering it is NOT RECOMMENDED.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "pinana/base/clock.h"
#include "pinana/sip/charset.h"

namespace pinana::sip::transaction {

// Unreliable transports (UDP) need Timer E retransmissions and the Completed-state waits K and J;
// reliable ones (TCP, TLS, SCTP, WS) do not (RFC 3261 §17.1.2.2, §17.2.2).
enum class Reliability : uint8_t { kUnreliable, kReliable };

// The reliability of a Via sent-protocol transport token ("UDP", "tcp", "TLS" ...). Only UDP is
// unreliable among the transports SIP defines.
constexpr Reliability reliability_of(std::string_view via_transport) {
  return chars::iequals(via_transport, "UDP") ? Reliability::kUnreliable : Reliability::kReliable;
}

struct TimerConfig {
  Duration t1{500};   // RTT estimate
  Duration t2{4000};  // longest interval between non-INVITE request retransmissions
  Duration t4{5000};  // longest time a message stays in the network

  // RFC 4320 §4.1: a UAS that has not answered a non-INVITE request by the time the client's
  // Timer E reaches T2 sends a 100 Trying. Turn off only in tests of other behaviour.
  bool late_trying = true;

  Duration timer_e_initial() const { return t1; }
  Duration timer_f() const { return 64 * t1; }
  Duration timer_k(Reliability r) const { return r == Reliability::kUnreliable ? t4 : Duration(0); }
  Duration timer_j(Reliability r) const {
    return r == Reliability::kUnreliable ? 64 * t1 : Duration(0);
  }

  // The time after the request was first sent at which the client's Timer E is first reset to
  // T2 (T1 + 2*T1 + 4*T1 ... until the next interval would reach T2): 3.5 s with the default
  // timers. RFC 4320 §4.1 forbids a 100 over UDP before then and requires one at that time if the
  // UAS has not otherwise answered. The server counts from when it received the request, which
  // is never earlier than when the client sent it, so it never sends too early.
  Duration late_trying_delay() const {
    Duration elapsed{0};
    Duration interval = t1;
    if (interval <= Duration(0)) return t2;  // a degenerate config; avoid looping forever
    while (true) {
      elapsed += interval;
      interval = std::min(2 * interval, t2);
      if (interval >= t2) return elapsed;
    }
  }
};

}  // namespace pinana::sip::transaction
