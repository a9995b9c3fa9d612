// classify_host / scan_host against a straightforward reference of the RFC 3261 host rules
// (hostname and IPv4address of §25.1), over every short string of a small alphabet and every
// dotted quad with octets around the 255 limit: the table-driven scanner must agree everywhere.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "pinana/sip/uri.h"

namespace pinana::sip {
namespace {

bool ref_ipv4(std::string_view s) {
  int parts = 0, digits = 0;
  unsigned v = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      v = v * 10 + static_cast<unsigned>(c - '0');
      if (++digits > 3 || v > 255) return false;
    } else if (c == '.') {
      if (digits == 0 || ++parts > 3) return false;
      v = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  return digits > 0 && parts == 3;
}

bool ref_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool ref_hostname(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  if (s.empty()) return false;
  char prev = '.', top_first = 0;
  for (char c : s) {
    if (c == '.') {
      if (prev == '.' || prev == '-') return false;
    } else if (ref_alnum(c)) {
      if (prev == '.') top_first = c;
    } else if (c != '-' || prev == '.') {
      return false;
    }
    prev = c;
  }
  return prev != '-' && ((top_first | 0x20) >= 'a' && (top_first | 0x20) <= 'z');
}

HostType ref_classify(std::string_view h) {
  if (h.empty() || h.front() == '[') return HostType::kNone;
  if (ref_ipv4(h)) return HostType::kIPv4;
  return ref_hostname(h) ? HostType::kHostname : HostType::kNone;
}

TEST(HostScan, AgreesWithReferenceOnAllShortStrings) {
  constexpr std::string_view kAlphabet = "aZ0125369.-:";
  std::string s;
  size_t checked = 0;
  // Every string of length 0..6 over the alphabet (12^6 ≈ 3M).
  auto rec = [&](auto&& self, size_t depth) -> void {
    const HostType want = ref_classify(s);
    ASSERT_EQ(classify_host(s), want) << '"' << s << '"';
    // scan_host stops at the ":" that ends a host in a URI or Via.
    std::string with_port = s + ":5060";
    size_t pos = 0;
    const HostType t = scan_host(with_port, pos);
    if (want != HostType::kNone && s.find(':') == std::string::npos) {
      ASSERT_EQ(t, want) << '"' << with_port << '"';
      ASSERT_EQ(pos, s.size()) << '"' << with_port << '"';
    }
    ++checked;
    if (depth == 6) return;
    for (char c : kAlphabet) {
      s.push_back(c);
      self(self, depth + 1);
      s.pop_back();
      if (HasFatalFailure()) return;
    }
  };
  rec(rec, 0);
  EXPECT_GT(checked, 2'000'000u);
}

TEST(HostScan, DottedQuadsAroundTheOctetLimit) {
  const char* octets[] = {"0",   "00",  "000", "1",   "9",   "10",   "19",  "25",
                          "99",  "100", "199", "200", "249", "250",  "255", "256",
                          "259", "260", "299", "300", "999", "0255", "1000"};
  for (const char* a : octets)
    for (const char* b : octets) {
      for (std::string h : {std::string(a) + ".1." + b + ".7", std::string("1.") + a + ".2." + b,
                            std::string(a) + "." + b, std::string(a) + "." + b + ".1.2.3",
                            std::string(a) + "." + b + ".1.2.", std::string(a) + "." + b + ".a.b"})
        EXPECT_EQ(classify_host(h), ref_classify(h)) << h;
    }
}

TEST(HostScan, ScanStopsAtTheFirstNonHostByte) {
  std::string_view text = "2003@pbx.example.net;lr";
  size_t pos = 0;
  EXPECT_EQ(scan_host(text, pos), HostType::kNone);  // "2003" is digits only, not an address
  EXPECT_EQ(pos, 4u);
  pos = 5;
  EXPECT_EQ(scan_host(text, pos), HostType::kHostname);
  EXPECT_EQ(text.substr(5, pos - 5), "pbx.example.net");
  std::string_view v4 = "198.51.100.23;rport";
  pos = 0;
  EXPECT_EQ(scan_host(v4, pos), HostType::kIPv4);
  EXPECT_EQ(pos, 13u);
}

}  // namespace
}  // namespace pinana::sip
