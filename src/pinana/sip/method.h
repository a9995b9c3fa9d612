// Method: the SIP request methods pinana recognises. Method names are case-sensitive (RFC 3261
// §7.1): "invite" is an unknown extension method, not INVITE. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace pinana::sip {

enum class Method : uint8_t {
  kUnknown,
  kAck,
  kBye,
  kCancel,
  kInfo,
  kInvite,
  kMessage,
  kNotify,
  kOptions,
  kPrack,
  kPublish,
  kRefer,
  kRegister,
  kSubscribe,
  kUpdate,
};

constexpr Method method_from_name(std::string_view m) {
  // By length, then one comparison: every request parse asks.
  switch (m.size()) {
    case 3:
      return m == "ACK" ? Method::kAck : m == "BYE" ? Method::kBye : Method::kUnknown;
    case 4:
      return m == "INFO" ? Method::kInfo : Method::kUnknown;
    case 5:
      return m == "PRACK" ? Method::kPrack : m == "REFER" ? Method::kRefer : Method::kUnknown;
    case 6:
      if (m == "CANCEL") return Method::kCancel;
      if (m == "INVITE") return Method::kInvite;
      if (m == "NOTIFY") return Method::kNotify;
      return m == "UPDATE" ? Method::kUpdate : Method::kUnknown;
    case 7:
      if (m == "MESSAGE") return Method::kMessage;
      if (m == "OPTIONS") return Method::kOptions;
      return m == "PUBLISH" ? Method::kPublish : Method::kUnknown;
    case 8:
      return m == "REGISTER" ? Method::kRegister : Method::kUnknown;
    case 9:
      return m == "SUBSCRIBE" ? Method::kSubscribe : Method::kUnknown;
    default:
      return Method::kUnknown;
  }
}

// The name of a known method ("" for kUnknown): the inverse of method_from_name.
constexpr std::string_view method_name(Method m) {
  switch (m) {
    case Method::kAck:
      return "ACK";
    case Method::kBye:
      return "BYE";
    case Method::kCancel:
      return "CANCEL";
    case Method::kInfo:
      return "INFO";
    case Method::kInvite:
      return "INVITE";
    case Method::kMessage:
      return "MESSAGE";
    case Method::kNotify:
      return "NOTIFY";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kPrack:
      return "PRACK";
    case Method::kPublish:
      return "PUBLISH";
    case Method::kRefer:
      return "REFER";
    case Method::kRegister:
      return "REGISTER";
    case Method::kSubscribe:
      return "SUBSCRIBE";
    case Method::kUpdate:
      return "UPDATE";
    case Method::kUnknown:
      break;
  }
  return "";
}

}  // namespace pinana::sip
