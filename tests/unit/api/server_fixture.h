// ServerFixture: a real ApiServer over a FakeBackend on 127.0.0.1:0, its io_context run by a
// background thread so the synchronous clients (http_request, Beast's sync websocket) can be used
// from the test thread. Server calls go through on_io(); the backend is read by the test only
// after a request's reply has arrived.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "fake_backend.h"
#include "pinana/api/api_server.h"

namespace pinana::api {

class ServerFixture : public ::testing::Test {
 protected:
  virtual ApiServerOptions options() const { return {}; }

  // Runs `f` on the io thread and returns its result.
  template <typename F>
  auto on_io(F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }

  void SetUp() override {
    server_ = std::make_unique<ApiServer>(io_, backend_, nullptr, options());
    const auto s = server_->listen({boost::asio::ip::make_address("127.0.0.1"), 0});
    ASSERT_TRUE(s.ok()) << s.error().reason;
    port_ = server_->local().port();
    ASSERT_NE(port_, 0);
    base_ = "http://127.0.0.1:" + std::to_string(port_);
    thread_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    if (thread_.joinable()) {
      on_io([this] {
        server_->close();
        io_.stop();
        return 0;
      });
      thread_.join();
    }
    server_.reset();
  }

  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{
      io_.get_executor()};
  FakeBackend backend_;
  std::unique_ptr<ApiServer> server_;
  std::thread thread_;
  uint16_t port_ = 0;
  std::string base_;
};

}  // namespace pinana::api
