// WebSocketSession: one subscriber of /api/v1/events. The server pushes text frames with send();
// the session writes them in order, one at a time, and reads (and drops) whatever the client
// sends so pings and the close handshake are answered. The queue is bounded in frames and bytes:
// a client that does not read is closed on overflow, so it never holds back the others or grows
// the node's memory.
//
// Runs on the io thread. Kept alive by its pending operations; the server keeps weak references
// and calls close() before it goes away.
#pragma once

#include <deque>
#include <memory>
#include <string>

#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "pinana/api/http_session.h"

namespace pinana::api {

struct WebSocketLimits {
  size_t max_frames = 1024;            // queued, not yet written
  size_t max_bytes = 8 * 1024 * 1024;  // sum of the queued frames
};

class WebSocketSession : public std::enable_shared_from_this<WebSocketSession> {
 public:
  WebSocketSession(boost::beast::tcp_stream stream, WebSocketLimits limits);

  // Answers the upgrade request; frames sent before the handshake completes wait in the queue.
  void start(HttpRequest request);
  // Queues one text frame. On overflow closes the session and returns false.
  bool send(std::shared_ptr<const std::string> frame);
  // Drops the connection without a close handshake (the peer may not be reading).
  void close();
  bool closed() const { return closed_; }

 private:
  void read();
  void write_next();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  WebSocketLimits limits_;
  boost::beast::flat_buffer read_buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  size_t queued_bytes_ = 0;
  bool open_ = false;  // handshake done
  bool writing_ = false;
  bool closed_ = false;
};

}  // namespace pinana::api
