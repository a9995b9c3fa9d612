#include "sip_messages.h"

#include <initializer_list>
#include <string_view>

namespace pinana::bench {
namespace {

// Joins the header lines with CRLF, appends "<length_name>: <body size>", the empty line and the
// body. Computing the length here keeps every sample well framed for all three parsers.
std::string assemble(std::initializer_list<std::string_view> lines, std::string_view length_name,
                     std::string_view body) {
  std::string out;
  for (std::string_view l : lines) {
    out.append(l);
    out.append("\r\n");
  }
  out.append(length_name);
  out.append(": ");
  out.append(std::to_string(body.size()));
  out.append("\r\n\r\n");
  out.append(body);
  return out;
}

// Bodies use LF line ends, as the XML writers in phones and Asterisk produce them.
constexpr std::string_view kPidf =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
    "xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\" "
    "xmlns:rpid=\"urn:ietf:params:xml:ns:pidf:rpid\" entity=\"sip:2001@pbx.example.net\">\n"
    "<tuple id=\"t5c2a91\"><status><basic>open</basic></status>"
    "<contact priority=\"0.8\">sip:2001@10.1.20.33:5062</contact></tuple>\n"
    "<dm:person id=\"p2001\"><rpid:activities><rpid:on-the-phone/></rpid:activities>"
    "</dm:person>\n"
    "</presence>\n";

constexpr std::string_view kDialogInfo =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"12\" state=\"full\" "
    "entity=\"sip:2004@pbx.example.net\">\n"
    "<dialog id=\"c91f0a3e\" call-id=\"c91f0a3e-2b44-11ee@10.1.20.52\" local-tag=\"as6f2d1c0b\" "
    "remote-tag=\"8813aa41\" direction=\"recipient\">\n"
    "<state>confirmed</state>\n"
    "<local><identity>sip:2004@pbx.example.net</identity>"
    "<target uri=\"sip:2004@10.1.20.52:5060\"/></local>\n"
    "<remote><identity display=\"Carol\">sip:2005@pbx.example.net</identity></remote>\n"
    "</dialog>\n"
    "</dialog-info>\n";

}  // namespace

std::vector<SipSample> sip_samples() {
  std::vector<SipSample> out;
  // A Yealink phone refreshing its presence publication; compact f/t/i/c/l as Yealink sends them.
  out.push_back(
      {"publish",
       assemble(
           {"PUBLISH sip:2001@pbx.example.net SIP/2.0",
            "Via: SIP/2.0/UDP "
            "192.0.2.10:5060;branch=z9hG4bK5e1f.9c2a4b7d3e8f10a2b3c4d5e6f7081920.0",
            "v: SIP/2.0/UDP "
            "10.1.20.33:5062;received=198.51.100.23;rport=5062;branch=z9hG4bK1843717329",
            "Max-Forwards: 69", "f: \"Alice Office\" <sip:2001@pbx.example.net>;tag=3349512087",
            "t: <sip:2001@pbx.example.net>", "i: 1762941187@10.1.20.33", "CSeq: 7 PUBLISH",
            "Contact: <sip:2001@10.1.20.33:5062>", "Event: presence", "SIP-If-Match: a7f3e9c1.1",
            "Expires: 3600", "User-Agent: Yealink SIP-T46U 108.86.0.45", "c: application/pidf+xml"},
           "l", kPidf)});
  // A Polycom VVX subscribing to a colleague's line for BLF, through the edge proxy (Route).
  out.push_back(
      {"subscribe",
       assemble(
           {"SUBSCRIBE sip:2002@pbx.example.net SIP/2.0",
            "Via: SIP/2.0/UDP "
            "192.0.2.10:5060;branch=z9hG4bK7c3d.1a2b3c4d5e6f708192a3b4c5d6e7f809.0",
            "Via: SIP/2.0/UDP "
            "10.1.20.41:5060;branch=z9hG4bK2c9b0a1e4f3d;rport=5060;received=198.51.100.41",
            "Route: <sip:192.0.2.20;lr>",
            "From: \"Bob Sales\" <sip:2003@pbx.example.net>;tag=F1D2E3A4-5B6C7D8E",
            "To: <sip:2002@pbx.example.net>", "CSeq: 1 SUBSCRIBE",
            "Call-ID: 9a8b7c6d-5e4f3a2b-1c0d9e8f@10.1.20.41",
            "Contact: <sip:2003@10.1.20.41:5060;transport=udp>",
            "User-Agent: PolycomVVX-VVX_450-UA/6.4.3.5018", "Accept-Language: en",
            "Accept: application/dialog-info+xml", "Event: dialog", "Expires: 3600",
            "k: 100rel,replaces,timer", "Allow-Events: conference,talk,hold,dialog,presence",
            "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, MESSAGE, SUBSCRIBE, NOTIFY, PRACK, "
            "UPDATE, REFER",
            "Max-Forwards: 69"},
           "Content-Length", "")});
  // Asterisk (hub mode) notifying the dialog state of a line the presence server watches.
  out.push_back(
      {"notify",
       assemble({"NOTIFY sip:presence@192.0.2.20:5060 SIP/2.0",
                 "Via: SIP/2.0/UDP "
                 "192.0.2.10:5060;branch=z9hG4bK4b2a.6f5e4d3c2b1a09f8e7d6c5b4a3928170.0",
                 "Via: SIP/2.0/UDP 10.1.20.52:5060;rport=5060;received=198.51.100.52;"
                 "branch=z9hG4bKPj6f1d2c3b-4a59-4e87-9c6b-1a2b3c4d5e6f",
                 "Max-Forwards: 69",
                 "From: <sip:2004@pbx.example.net>;tag=4f2e9d1c-8b7a-4c3d-9e2f-0a1b2c3d4e5f",
                 "To: <sip:presence@pbx.example.net>;tag=pn-7d1e4a2b",
                 "m: <sip:2004@10.1.20.52:5060>", "Call-ID: e3a1b2c4-5d6e-4f70-8192-a3b4c5d6e7f8",
                 "CSeq: 4712 NOTIFY", "Event: dialog", "Subscription-State: active;expires=3600",
                 "Allow-Events: presence, dialog, message-summary, refer",
                 "Server: Asterisk PBX 20.5.0", "c: application/dialog-info+xml"},
                "l", kDialogInfo)});
  return out;
}

}  // namespace pinana::bench
