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
  constexpr std::pair<std::string_view, Method> kMethods[] = {
      {"ACK", Method::kAck},
      {"BYE", Method::kBye},
      {"CANCEL", Method::kCancel},
      {"INFO", Method::kInfo},
      {"INVITE", Method::kInvite},
      {"MESSAGE", Method::kMessage},
      {"NOTIFY", Method::kNotify},
      {"OPTIONS", Method::kOptions},
      {"PRACK", Method::kPrack},
      {"PUBLISH", Method::kPublish},
      {"REFER", Method::kRefer},
      {"REGISTER", Method::kRegister},
      {"SUBSCRIBE", Method::kSubscribe},
      {"UPDATE", Method::kUpdate},
  };
  for (const auto& [name, id] : kMethods)
    if (name == m) return id;
  return Method::kUnknown;
}

}  // namespace pinana::sip
