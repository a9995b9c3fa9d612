// sip_parse_loop: parses one of the parser benchmark's messages N times with pinana, for
// instruction counting under callgrind (bench/parse_instructions.sh), which gives figures that
// do not depend on what else the machine is doing.
//   sip_parse_loop INDEX [N]    INDEX 0 = publish, 1 = subscribe, 2 = notify; N default 1000
#include <cstdio>
#include <cstdlib>

#include "pinana/sip/message.h"
#include "sip_messages.h"

// Not inlined, so callgrind can collect exactly the loop (--toggle-collect='parse_loop*').
__attribute__((noinline)) bool parse_loop(pinana::sip::Message& m, const std::string& bytes, int n) {
  for (int i = 0; i < n; ++i) {
    if (!m.parse(bytes, pinana::sip::Framing::kDatagram)) return false;
  }
  return true;
}

int main(int argc, char** argv) {
  const auto samples = pinana::bench::sip_samples();
  const size_t index = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 0;
  const int n = argc > 2 ? std::atoi(argv[2]) : 1000;
  if (index >= samples.size() || n <= 0) {
    std::fprintf(stderr, "usage: sip_parse_loop INDEX(0..%zu) [N]\n", samples.size() - 1);
    return 2;
  }
  pinana::sip::Message m;
  if (!parse_loop(m, samples[index].bytes, 1)) return 1;  // sizes the buffers outside the count
  if (!parse_loop(m, samples[index].bytes, n)) return 1;
  std::printf("%s %d\n", samples[index].name.c_str(), n + 1);
  return 0;
}
