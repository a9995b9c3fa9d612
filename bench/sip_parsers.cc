#include "sip_parsers.h"

#include <osipparser2/osip_parser.h>
#include <sofia-sip/msg.h>
#include <sofia-sip/msg_buffer.h>
#include <sofia-sip/msg_mclass.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_parser.h>

#include <cstdlib>
#include <cstring>

namespace pinana::bench {
namespace {

std::string_view view(const char* s) {
  return s ? std::string_view(s) : std::string_view();
}

// Event: event-type *( SEMI event-param ). osip2 keeps the value as text; an application reads
// the type up to the first ";".
std::string_view event_type(const char* value) {
  std::string_view v = view(value);
  v = v.substr(0, v.find(';'));
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// osip2's *_get_byname take a non-const name.
std::string_view osip_param(osip_list_t* params, const char* name) {
  osip_generic_param_t* p = nullptr;
  if (osip_generic_param_get_byname(params, const_cast<char*>(name), &p) != 0 || p == nullptr)
    return {};
  return view(p->gvalue);
}

}  // namespace

void init_osip() {
  parser_init();
}

// ---------------------------------------------------------------------------------------------

Fields PinanaParser::fields() const {
  Fields f;
  if (const sip::Via* v = m_.top_via()) f.branch = v->branch();
  if (const sip::CSeq* c = m_.cseq()) f.cseq = c->sequence;
  f.call_id = m_.call_id();
  if (const sip::NameAddr* a = m_.from()) f.from_tag = a->tag();
  if (const sip::NameAddr* a = m_.to()) f.to_tag = a->tag();
  if (const sip::Event* e = m_.event()) f.event = e->type;
  if (auto e = m_.expires()) f.expires = *e;
  f.body_size = m_.body().size();
  return f;
}

// ---------------------------------------------------------------------------------------------

bool OsipParser::parse(std::string_view bytes) {
  release();
  if (osip_message_init(&m_) != 0) return false;
  return osip_message_parse(m_, bytes.data(), bytes.size()) == 0;
}

void OsipParser::release() {
  if (m_ != nullptr) osip_message_free(m_);
  m_ = nullptr;
}

Fields OsipParser::fields() const {
  Fields f;
  if (m_ == nullptr) return f;
  osip_via_t* via = nullptr;
  if (osip_message_get_via(m_, 0, &via) >= 0 && via != nullptr)
    f.branch = osip_param(&via->via_params, "branch");
  if (osip_cseq_t* c = osip_message_get_cseq(m_); c != nullptr && c->number != nullptr)
    f.cseq = static_cast<uint32_t>(std::strtoul(c->number, nullptr, 10));
  if (osip_call_id_t* c = osip_message_get_call_id(m_); c != nullptr) {
    f.call_id = view(c->number);
    f.call_id_host = view(c->host);
  }
  if (osip_from_t* a = osip_message_get_from(m_); a != nullptr)
    f.from_tag = osip_param(&a->gen_params, "tag");
  if (osip_to_t* a = osip_message_get_to(m_); a != nullptr)
    f.to_tag = osip_param(&a->gen_params, "tag");
  osip_header_t* h = nullptr;
  if (osip_message_header_get_byname(m_, "event", 0, &h) >= 0 && h != nullptr)
    f.event = event_type(h->hvalue);
  h = nullptr;
  if (osip_message_get_expires(m_, 0, &h) >= 0 && h != nullptr && h->hvalue != nullptr)
    f.expires = static_cast<int64_t>(std::strtoul(h->hvalue, nullptr, 10));
  osip_body_t* body = nullptr;
  if (osip_message_get_body(m_, 0, &body) >= 0 && body != nullptr) f.body_size = body->length;
  return f;
}

// ---------------------------------------------------------------------------------------------

bool SofiaParser::parse(std::string_view bytes) {
  release();
  msg_ = msg_create(sip_default_mclass(), 0);
  if (msg_ == nullptr) return false;
  // The datagram path of sofia's transport: reserve, copy in, commit with end-of-stream, extract.
  void* buf = msg_buf_alloc(msg_, bytes.size() + 1);
  if (buf == nullptr) return false;
  std::memcpy(buf, bytes.data(), bytes.size());
  msg_buf_commit(msg_, bytes.size(), /*eos=*/1);
  return msg_extract(msg_) > 0;
}

void SofiaParser::release() {
  if (msg_ != nullptr) msg_destroy(msg_);
  msg_ = nullptr;
}

bool SofiaParser::clean() const {
  const sip_t* sip = msg_ ? sip_object(msg_) : nullptr;
  return sip != nullptr && sip->sip_error == nullptr && msg_extract_errors(msg_) == 0;
}

Fields SofiaParser::fields() const {
  Fields f;
  const sip_t* sip = msg_ ? sip_object(msg_) : nullptr;
  if (sip == nullptr) return f;
  if (sip->sip_via) f.branch = view(sip->sip_via->v_branch);
  if (sip->sip_cseq) f.cseq = sip->sip_cseq->cs_seq;
  if (sip->sip_call_id) f.call_id = view(sip->sip_call_id->i_id);
  if (sip->sip_from) f.from_tag = view(sip->sip_from->a_tag);
  if (sip->sip_to) f.to_tag = view(sip->sip_to->a_tag);
  if (sip->sip_event) f.event = view(sip->sip_event->o_type);
  if (sip->sip_expires) f.expires = static_cast<int64_t>(sip->sip_expires->ex_delta);
  if (sip->sip_payload) f.body_size = sip->sip_payload->pl_len;
  return f;
}

}  // namespace pinana::bench
