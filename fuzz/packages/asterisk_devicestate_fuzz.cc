// asterisk_devicestate_fuzz: libFuzzer target for the `asterisk-devicestate` package: its JSON
// parser, accumulation, and per-watcher deltas.
//
// The input is an op script (package_fuzz_util.h: one operation per line; first byte % 4 chooses
// publish to p0/p1/p2 or remove). The checked property is in entry_set_fuzz.h.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "entry_set_fuzz.h"
#include "pinana/presence/packages/asterisk_devicestate/devicestate_package.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return pinana::fuzz::run_entry_set_fuzz<
      pinana::presence::packages::asterisk_devicestate::DevicestatePackage>(
      std::string_view(reinterpret_cast<const char*>(data), size), "devicestate-set", "device");
}
