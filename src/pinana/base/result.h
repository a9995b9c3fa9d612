// Error and Result<T>: how pinana reports failures on the network path.
//
// Code that handles bytes from a peer never throws; it returns a Result. An Error carries the SIP
// status code the edge should answer with (400 for malformed input, 505 for a bad version, ...) and
// a one-line human reason. Both types are plain values: copy them, move them, use them from any
// thread.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace pinana {

struct Error {
  int status = 400;    // the SIP response the receiving edge should send (0: drop silently)
  std::string reason;  // one line, for logs and for the reason phrase / JSON "reason"
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Status: a Result with no value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  static Status Ok() { return Status(); }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace pinana
