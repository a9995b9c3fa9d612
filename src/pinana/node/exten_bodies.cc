#include "pinana/node/exten_bodies.h"

namespace pinana::node {
namespace {

using state::ExtensionState;

std::string presentity(const ExtenBodyInput& in) {
  std::string uri = "sip:";
  uri += in.exten;
  uri += '@';
  uri += in.domain;
  return uri;
}

// sip:<number>@<domain>; a missing number is "invalid", as Asterisk prints it.
std::string party_uri(const state::CallerId& caller, std::string_view domain) {
  std::string uri = "sip:";
  uri += caller.number.empty() ? std::string_view("invalid") : std::string_view(caller.number);
  uri += '@';
  uri += domain;
  return uri;
}

void identity(std::string& out, std::string_view indent, std::string_view display,
              std::string_view uri) {
  out += indent;
  out += "<identity";
  if (!display.empty()) {  // never an empty attribute (pjlib prints a bare name)
    out += " display=\"";
    out += xml_escape(display);
    out += '"';
  }
  out += '>';
  out += xml_escape(uri);
  out += "</identity>\n";
  out += indent;
  out += "<target uri=\"";
  out += xml_escape(uri);
  out += "\" />\n";
}

}  // namespace

ExtenWording wording(ExtensionState s) {
  switch (s) {
    case ExtensionState::kInUse:
      return {"confirmed", true, true, "On the phone"};
    case ExtensionState::kBusy:
      return {"confirmed", true, true, "On the phone"};
    case ExtensionState::kUnavailable:
      return {"terminated", false, false, "Unavailable"};
    case ExtensionState::kRinging:
      return {"early", true, true, "Ringing"};
    case ExtensionState::kInUseRinging:
      // Published bodies carry no per-device detail, so Asterisk sends confirmed here.
      return {"confirmed", true, true, "Ringing"};
    case ExtensionState::kOnHold:
      return {"confirmed", true, true, "On hold"};
    case ExtensionState::kRemoved:
    case ExtensionState::kDeactivated:
      return {"terminated", false, false, "Unavailable"};
    case ExtensionState::kNotInUse:
      break;
  }
  return {"terminated", true, false, "Ready"};
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\r':
        out += "&#13;";
        break;
      case '\n':
        out += "&#10;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_dialog_info(const ExtenBodyInput& in, uint64_t version) {
  const ExtenWording w = wording(in.state);
  const std::string entity = presentity(in);
  const bool early = w.dialog_state == "early";
  std::string out;
  out.reserve(512);
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"";
  out += std::to_string(version);
  out += "\" state=\"full\" entity=\"";
  out += xml_escape(entity);
  out += "\">\n <dialog id=\"";
  out += xml_escape(in.exten);
  out += '"';
  if (early) out += " direction=\"recipient\"";
  out += ">\n";
  const bool in_call = w.dialog_state != "terminated";
  if (in_call && in.caller) {
    out += "  <remote>\n";
    identity(out, "   ", in.caller->name, party_uri(*in.caller, in.domain));
    out += "  </remote>\n  <local>\n";
    identity(out, "   ", in.display_name, entity);
    out += "  </local>\n";
  } else if (early) {
    // No ringing caller known: the local identity and target are the entity (Polycom pickup).
    out += "  <local>\n";
    identity(out, "   ", in.display_name, entity);
    out += "  </local>\n";
  }
  out += "  <state>";
  out += w.dialog_state;
  out += "</state>\n";
  if (in.state == ExtensionState::kOnHold && !in.caller) {
    out += "  <local>\n   <target uri=\"";
    out += xml_escape(entity);
    out += "\">\n    <param pname=\"+sip.rendering\" pvalue=\"no\" />\n   </target>\n  </local>\n";
  }
  out += " </dialog>\n</dialog-info>\n";
  return out;
}

std::string render_pidf(const ExtenBodyInput& in) {
  const ExtenWording w = wording(in.state);
  const std::string entity = xml_escape(presentity(in));
  std::string out;
  out.reserve(640);
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<presence entity=\"";
  out += entity;
  out +=
      "\" xmlns=\"urn:ietf:params:xml:ns:pidf\" "
      "xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\" "
      "xmlns:rpid=\"urn:ietf:params:xml:ns:pidf:rpid\">\n";
  out += " <note>";
  out += w.note;
  out += "</note>\n <tuple id=\"";
  out += xml_escape(in.exten);
  out += "\">\n  <status>\n   <basic>";
  out += w.basic_open ? "open" : "closed";
  out += "</basic>\n  </status>\n  <contact priority=\"1\">";
  out += entity;
  out += "</contact>\n </tuple>\n";
  if (w.on_the_phone) {
    out += " <dm:person id=\"p-";
    out += xml_escape(in.exten);
    out +=
        "\">\n  <rpid:activities>\n   <rpid:on-the-phone />\n  </rpid:activities>\n"
        " </dm:person>\n";
  } else {
    out += " <dm:person id=\"p-";
    out += xml_escape(in.exten);
    out += "\" />\n";
  }
  out += "</presence>\n";
  return out;
}

}  // namespace pinana::node
