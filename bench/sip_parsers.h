// The three SIP parsers the benchmark compares, behind one shape: parse(bytes) then fields(),
// then release(). Each adapter does what an application using that library does to receive a
// datagram and read the fields a presence server needs to route it (top Via branch, CSeq,
// Call-ID, From and To tags, Event, Expires).
//
// - PinanaParser keeps one pinana::sip::Message and re-parses into it (its buffers are reused).
// - OsipParser allocates an osip_message_t per parse and frees it in release().
// - SofiaParser creates a msg_t per parse (sip_default_mclass()), copies the bytes into it,
//   extracts, and destroys it in release().
//
// The Fields returned by fields() are views into the parser's message: valid until the next
// parse() or release(). Each adapter is used by one thread; OsipParser needs parser_init() to
// have run once in the process (init_osip()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pinana/sip/message.h"

struct osip_message;
struct msg_s;

namespace pinana::bench {

struct Fields {
  std::string_view branch;  // top Via
  uint32_t cseq = 0;
  std::string_view call_id;       // osip2 splits Call-ID at "@": then this is the part before it
  std::string_view call_id_host;  // and this the part after it; empty for the other parsers
  std::string_view from_tag;
  std::string_view to_tag;  // empty when absent
  std::string_view event;   // event type without parameters
  int64_t expires = -1;     // Expires header; -1 when absent
  size_t body_size = 0;
};

// Calls osip2's parser_init(); once per process, before any OsipParser parses.
void init_osip();

class PinanaParser {
 public:
  bool parse(std::string_view bytes) { return m_.parse(bytes, sip::Framing::kDatagram).ok(); }
  Fields fields() const;
  void release() {}

 private:
  sip::Message m_;
};

class OsipParser {
 public:
  OsipParser() = default;
  OsipParser(const OsipParser&) = delete;
  OsipParser& operator=(const OsipParser&) = delete;
  ~OsipParser() { release(); }

  bool parse(std::string_view bytes);
  Fields fields() const;
  void release();

 private:
  osip_message* m_ = nullptr;
};

class SofiaParser {
 public:
  SofiaParser() = default;
  SofiaParser(const SofiaParser&) = delete;
  SofiaParser& operator=(const SofiaParser&) = delete;
  ~SofiaParser() { release(); }

  bool parse(std::string_view bytes);
  Fields fields() const;
  void release();
  // True when sofia-sip flagged no header as erroneous (it keeps going past bad headers).
  bool clean() const;

 private:
  msg_s* msg_ = nullptr;
};

}  // namespace pinana::bench
