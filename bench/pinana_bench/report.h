// The output of pinana-bench: a human-readable table, and one JSON object (printed as the last
// line) with every figure. Pure functions; any thread.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "bench_options.h"
#include "ceiling.h"
#include "load_run.h"

namespace pinana::bench {

nlohmann::json to_json(const BenchOptions& options, const LoadResult& result);
nlohmann::json to_json(const BenchOptions& options, const CeilingResult& result);
std::string table(const BenchOptions& options, const LoadResult& result);
std::string table(const CeilingResult& result);

}  // namespace pinana::bench
