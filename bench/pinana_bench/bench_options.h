// BenchOptions: what one pinana-bench run does, as given on the command line (main.cc parses
// them). Plain value; copied into every worker.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pinana::bench {

struct BenchOptions {
  std::string mode = "load";  // load | ceiling
  std::string server = "127.0.0.1:5060";
  std::string domain;            // host of presentity URIs; default: the server's address
  std::string prefix = "bench";  // presentity user part prefix
  uint32_t presentities = 100;
  uint32_t watchers = 0;           // per presentity
  std::string event = "presence";  // presence | dialog
  double rate = 0;                 // modify PUBLISH/s in total; 0: as fast as the window allows
  uint32_t window = 256;           // outstanding modify PUBLISHes in total (split over threads)
  uint32_t setup_window = 64;      // outstanding SUBSCRIBEs, initial PUBLISHes, clean-up requests
  double duration = 10;            // seconds measured
  double warmup = 2;               // seconds of modifies before the measured window
  uint32_t expires = 3600;         // Expires of PUBLISH and SUBSCRIBE
  int threads = 0;                 // 0: hardware concurrency
  double timeout = 2.0;            // seconds without a final response: counted as a timeout
  double settle = 0.5;             // seconds without a NOTIFY that end the setup phase
  double idle = 0;  // seconds to wait after set-up before the idle memory sample (0: none)
  std::vector<int> server_pids;
  std::vector<int> server_parents;  // each with all its descendants
  bool cleanup = true;              // unsubscribe and remove publications at the end
  bool json_only = false;
  int buffer_bytes = 16 << 20;
  uint32_t datagram_bytes = 900;  // ceiling mode: datagram size (a typical NOTIFY)
};

}  // namespace pinana::bench
