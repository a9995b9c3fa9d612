// sip_parse_bench: how fast pinana parses the SIP requests a presence server receives, next to
// osip2 and sofia-sip on the same bytes (issue 2; results in docs/benchmarks.md).
//
// Every benchmark parses one whole datagram and reads the fields a server needs to route it.
// Before measuring, a setup check makes each parser parse each message and compares what they
// read, so no parser is timed while failing early. After the run a table per message gives
// ns/parse, the ratios to pinana and pinana's heap allocations per parse, then one JSON line.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alloc_counter.h"
#include "sip_messages.h"
#include "sip_parsers.h"

namespace pinana::bench {
namespace {

constexpr double kTargetRatio = 3.0;
constexpr const char* kParsers[] = {"pinana", "osip2", "sofia"};

// One parse of a datagram and the reads an application makes. The first parse happens before
// the timed loop: it sizes pinana's reusable buffers and keeps their allocations out of the count.
template <typename Parser>
void parse_loop(benchmark::State& state, const std::string& bytes) {
  Parser p;
  if (!p.parse(bytes)) {
    state.SkipWithError("parse failed");
    return;
  }
  p.release();
  const uint64_t allocs_before = heap_allocations();
  for (auto _ : state) {
    bool ok = p.parse(bytes);
    Fields f = p.fields();
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(f);
    p.release();
  }
  const uint64_t allocs = heap_allocations() - allocs_before;
  state.counters["allocs_per_parse"] =
      benchmark::Counter(static_cast<double>(allocs), benchmark::Counter::kAvgIterations);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}

std::string describe(const Fields& f) {
  // Built with append: gcc 12 warns falsely (-Wrestrict) on "literal" + std::string.
  std::string s;
  auto add = [&s](std::string_view key, std::string_view value) {
    s.append(key).append("=").append(value).append(" ");
  };
  add("branch", f.branch);
  add("cseq", std::to_string(f.cseq));
  s.append("call-id=").append(f.call_id);
  if (!f.call_id_host.empty()) s.append("@").append(f.call_id_host);
  s.append(" ");
  add("from-tag", f.from_tag);
  add("to-tag", f.to_tag);
  add("event", f.event);
  add("expires", std::to_string(f.expires));
  add("body", std::to_string(f.body_size));
  s.pop_back();
  return s;
}

// Parses every sample with every parser and checks they all read the same, complete values.
// Prints what is wrong and returns false when any parser fails or disagrees.
bool check_samples(const std::vector<SipSample>& samples) {
  bool all_ok = true;
  for (const SipSample& s : samples) {
    PinanaParser pinana;
    OsipParser osip;
    SofiaParser sofia;
    const bool ok[] = {pinana.parse(s.bytes), osip.parse(s.bytes), sofia.parse(s.bytes)};
    const std::string got[] = {describe(pinana.fields()), describe(osip.fields()),
                               describe(sofia.fields())};
    const Fields ref = pinana.fields();
    bool sample_ok = ok[0] && ok[1] && ok[2] && sofia.clean();
    // Every sample carries all of these; an empty one means a parser skipped the header.
    sample_ok = sample_ok && ref.branch.size() > 7 && ref.cseq != 0 && !ref.call_id.empty() &&
                !ref.from_tag.empty() && !ref.event.empty();
    sample_ok = sample_ok && got[0] == got[1] && got[0] == got[2];
    if (!sample_ok) {
      all_ok = false;
      std::fprintf(stderr, "setup check FAILED for %s (%zu bytes):\n", s.name.c_str(),
                   s.bytes.size());
      for (size_t i = 0; i < 3; ++i)
        std::fprintf(stderr, "  %-6s parsed=%d%s %s\n", kParsers[i], ok[i] ? 1 : 0,
                     i == 2 && !sofia.clean() ? " (header errors)" : "", got[i].c_str());
    } else {
      std::printf("setup check ok: %-9s %4zu bytes  %s\n", s.name.c_str(), s.bytes.size(),
                  got[0].c_str());
    }
  }
  return all_ok;
}

// Console output as usual, plus the per-benchmark figures the summary needs.
class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  CollectingReporter() : ConsoleReporter(OO_Tabular) {}

  struct Figures {
    std::vector<double> cpu_ns;  // one per repetition
    std::optional<double> median_aggregate;
    std::optional<double> allocs_per_parse;  // the highest seen over repetitions
  };

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.error_occurred) continue;
      Figures& f = figures_[r.run_name.function_name];
      const bool aggregate = r.run_type == Run::RT_Aggregate;
      // stddev and cv aggregates hold spreads, not allocation counts.
      if (aggregate && r.aggregate_name != "mean" && r.aggregate_name != "median") continue;
      if (auto c = r.counters.find("allocs_per_parse"); c != r.counters.end())
        f.allocs_per_parse = std::max(f.allocs_per_parse.value_or(0), c->second.value);
      if (!aggregate) f.cpu_ns.push_back(r.GetAdjustedCPUTime());
      if (aggregate && r.aggregate_name == "median") f.median_aggregate = r.GetAdjustedCPUTime();
    }
  }

  // Median over repetitions (the aggregate when only aggregates were reported).
  std::optional<double> ns(const std::string& name) const {
    auto it = figures_.find(name);
    if (it == figures_.end()) return std::nullopt;
    std::vector<double> v = it->second.cpu_ns;
    if (v.empty()) return it->second.median_aggregate;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
  std::optional<double> allocs(const std::string& name) const {
    auto it = figures_.find(name);
    if (it == figures_.end()) return std::nullopt;
    return it->second.allocs_per_parse;
  }

 private:
  std::map<std::string, Figures> figures_;
};

std::string fmt(std::optional<double> v, const char* f) {
  if (!v) return "-";
  char b[32];
  std::snprintf(b, sizeof b, f, *v);
  return b;
}

std::optional<double> ratio(std::optional<double> a, std::optional<double> b) {
  if (!a || !b || *b <= 0) return std::nullopt;
  return *a / *b;
}

// Prints the table and the JSON line. Returns false when pinana allocated in its parse loop.
bool print_summary(const CollectingReporter& rep, const std::vector<SipSample>& samples) {
  nlohmann::ordered_json json;
  json["benchmark"] = "sip_parse";
  json["unit"] = "ns_cpu_per_parse";
  json["target_ratio"] = kTargetRatio;
  json["messages"] = nlohmann::ordered_json::array();
  bool target_met = true;
  bool zero_alloc = true;
  bool allocs_measured = true;  // false when a --benchmark_filter left a pinana benchmark out
  std::printf(
      "\nSIP parse, CPU ns per parse (median of repetitions); target: faster of osip2/sofia >= "
      "%.0fx pinana\n",
      kTargetRatio);
  std::printf("%-9s %5s %9s %9s %9s %12s %12s %11s %13s\n", "message", "bytes", "pinana", "osip2",
              "sofia", "osip2/pinana", "sofia/pinana", "best/pinana", "pinana allocs");
  for (const SipSample& s : samples) {
    const auto p = rep.ns(s.name + "/pinana"), o = rep.ns(s.name + "/osip2"),
               f = rep.ns(s.name + "/sofia");
    const auto best = o && f ? std::optional<double>(std::min(*o, *f)) : (o ? o : f);
    const auto r_best = ratio(best, p);
    const auto allocs = rep.allocs(s.name + "/pinana");
    if (!r_best || *r_best < kTargetRatio) target_met = false;
    if (!allocs) allocs_measured = false;
    if (allocs && *allocs > 0 && s.bytes.size() < 4096) zero_alloc = false;
    std::printf("%-9s %5zu %9s %9s %9s %12s %12s %11s %13s\n", s.name.c_str(), s.bytes.size(),
                fmt(p, "%.0f").c_str(), fmt(o, "%.0f").c_str(), fmt(f, "%.0f").c_str(),
                fmt(ratio(o, p), "%.2fx").c_str(), fmt(ratio(f, p), "%.2fx").c_str(),
                fmt(r_best, "%.2fx").c_str(), fmt(allocs, "%.3f").c_str());
    nlohmann::ordered_json m;
    m["message"] = s.name;
    m["bytes"] = s.bytes.size();
    auto put = [&m](const char* key, std::optional<double> v) {
      m[key] = v ? nlohmann::ordered_json(*v) : nullptr;
    };
    put("pinana_ns", p);
    put("osip2_ns", o);
    put("sofia_ns", f);
    put("osip2_over_pinana", ratio(o, p));
    put("sofia_over_pinana", ratio(f, p));
    put("best_over_pinana", r_best);
    put("pinana_allocs_per_parse", allocs);
    put("osip2_allocs_per_parse", rep.allocs(s.name + "/osip2"));
    put("sofia_allocs_per_parse", rep.allocs(s.name + "/sofia"));
    json["messages"].push_back(m);
  }
  json["target_met"] = target_met;
  json["pinana_zero_alloc"] = allocs_measured ? nlohmann::ordered_json(zero_alloc) : nullptr;
  std::printf("target %.0fx: %s; pinana heap allocations per parse: %s\n", kTargetRatio,
              target_met ? "met" : "NOT MET",
              !zero_alloc       ? "NOT ZERO"
              : allocs_measured ? "0"
                                : "not measured");
  std::printf("%s\n", json.dump().c_str());
  return zero_alloc;
}

}  // namespace
}  // namespace pinana::bench

int main(int argc, char** argv) {
  using namespace pinana::bench;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  init_osip();
  const std::vector<SipSample> samples = sip_samples();
  if (!check_samples(samples)) {
    std::fprintf(stderr, "sip_parse_bench: a parser did not parse the samples; not benchmarking\n");
    return 2;
  }
  for (const SipSample& s : samples) {
    const std::string* bytes = &s.bytes;
    benchmark::RegisterBenchmark((s.name + "/pinana").c_str(), [bytes](benchmark::State& st) {
      parse_loop<PinanaParser>(st, *bytes);
    });
    benchmark::RegisterBenchmark((s.name + "/osip2").c_str(), [bytes](benchmark::State& st) {
      parse_loop<OsipParser>(st, *bytes);
    });
    benchmark::RegisterBenchmark((s.name + "/sofia").c_str(), [bytes](benchmark::State& st) {
      parse_loop<SofiaParser>(st, *bytes);
    });
  }
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const bool zero_alloc = print_summary(reporter, samples);
  benchmark::Shutdown();
  return zero_alloc ? 0 : 3;
}
