// W2 load generator: sends exports of 512 GenAI spans to an OTLP receiver (OTLP/HTTP protobuf by
// default, --grpc for OTLP/gRPC) at a target span rate or flat out, measures each export's
// latency, and prints one line
//   W2 spans=<spans accepted> cpu_s=<sidecar CPU seconds> p99_ms=<export p99> rss_mb=<sidecar RSS>
// CPU and RSS are read from /proc/<pid> of the sidecar given with --pid (0 when not given).
//
//   otlp_load --port 4318 --pid $(pidof specwatch) --duration-s 10 [--rate 20000] [--connections 2]
//             [--grpc] [--gzip] [--spans 512]
// --bomb-mib N sends one gzip export that inflates to N MiB instead, and prints the answer and the
// sidecar's RSS before and after (over HTTP the body is built without N MiB of memory; over gRPC
// the client holds the message).
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "genai_spans.h"
#include "sidecar/core/ascii.h"
#include "sidecar/otlp/proto/trace_service.grpc.pb.h"

namespace {

namespace trace_v1 = opentelemetry::proto::collector::trace::v1;
using Clock = std::chrono::steady_clock;

struct Options {
  int port = 4318;
  int pid = 0;
  double duration_s = 10;
  double rate = 0;  // spans per second over all connections; 0 = flat out
  int connections = 1;
  int spans = 512;
  bool grpc = false;
  bool gzip = false;
  int bomb_mib = 0;  // > 0: send one gzip export inflating to this many MiB instead of the load
};

[[noreturn]] void usage(const char* message) {
  std::cerr << "otlp_load: " << message
            << "\nusage: otlp_load --port N [--pid PID] [--duration-s S] [--rate SPANS_PER_S]"
               " [--connections N] [--spans N] [--grpc] [--gzip] [--bomb-mib N]\n";
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value for " + arg).c_str());
      return argv[++i];
    };
    if (arg == "--port")
      options.port = std::stoi(value());
    else if (arg == "--pid")
      options.pid = std::stoi(value());
    else if (arg == "--duration-s")
      options.duration_s = std::stod(value());
    else if (arg == "--rate")
      options.rate = std::stod(value());
    else if (arg == "--connections")
      options.connections = std::max(1, std::stoi(value()));
    else if (arg == "--spans")
      options.spans = std::max(1, std::stoi(value()));
    else if (arg == "--grpc")
      options.grpc = true;
    else if (arg == "--gzip")
      options.gzip = true;
    else if (arg == "--bomb-mib")
      options.bomb_mib = std::stoi(value());
    else
      usage(("unknown argument " + arg).c_str());
  }
  return options;
}

// utime + stime of a process in seconds; nullopt if it cannot be read.
std::optional<double> cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int index = 3; fields >> field; ++index) {  // field 3 is the state
    if (index == 14) utime = std::stoull(field);
    if (index == 15) {
      stime = std::stoull(field);
      return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
    }
  }
  return std::nullopt;
}

double rss_mb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

std::string gzip(const std::string& data) {
  z_stream stream{};
  deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, data.size()) + 64, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

// A blocking HTTP/1.1 keep-alive connection that posts bodies and returns the status code.
class HttpConnection {
 public:
  explicit HttpConnection(int port) : port_(port) { connect_now(); }
  ~HttpConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  int post(const std::string& head, const std::string& body) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (fd_ < 0) connect_now();
      if (send_all(head) && send_all(body)) {
        if (int status = read_response(); status > 0) return status;
      }
      ::close(fd_);
      fd_ = -1;
      buffer_.clear();
    }
    return 0;
  }

 private:
  void connect_now() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port_));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      std::perror("otlp_load: connect");
      std::exit(1);
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  bool send_all(const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  bool fill() {
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  int read_response() {
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return 0;
    }
    const std::string head = buffer_.substr(0, end);
    const int status = std::atoi(head.c_str() + 9);  // "HTTP/1.1 200"
    std::size_t length = 0;
    const std::string lower = specwatch::ascii_lowercase(head);
    if (auto at = lower.find("content-length:"); at != std::string::npos) {
      length = std::strtoull(lower.c_str() + at + 15, nullptr, 10);
    }
    while (buffer_.size() < end + 4 + length) {
      if (!fill()) return 0;
    }
    buffer_.erase(0, end + 4 + length);
    return status;
  }

  int port_;
  int fd_ = -1;
  std::string buffer_;
};

struct Totals {
  std::mutex mutex;
  std::vector<double> latencies_ms;
  long long accepted_spans = 0;
  long long exports = 0;
  long long refused = 0;  // 503 / UNAVAILABLE
  long long failed = 0;   // anything else
};

}  // namespace

// An OTLP/HTTP gzip body of `mib` MiB of zeros: full flushes make every 1 MiB compress to the
// same bytes, so the body is built from one compressed block.
std::string http_bomb(int mib) {
  z_stream stream{};
  deflateInit2(&stream, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
  const std::string zeros(1 << 20, '\0');
  std::string buffer(64 * 1024, '\0');
  auto run = [&](int flush, std::size_t input) {
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
    stream.avail_in = static_cast<uInt>(input);
    std::string out;
    do {
      stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
      stream.avail_out = static_cast<uInt>(buffer.size());
      deflate(&stream, flush);
      out.append(buffer.data(), buffer.size() - stream.avail_out);
    } while (stream.avail_out == 0 || stream.avail_in > 0);
    return out;
  };
  std::string bomb = run(Z_FULL_FLUSH, zeros.size());
  const std::string repeated = run(Z_FULL_FLUSH, zeros.size());
  for (int i = 2; i < mib; ++i) bomb += repeated;
  bomb += run(Z_FINISH, 0);
  deflateEnd(&stream);
  return bomb;
}

int send_bomb(const Options& options) {
  const double rss_before = options.pid > 0 ? rss_mb(options.pid) : 0;
  const auto t0 = Clock::now();
  std::string answer;
  std::size_t sent_bytes = 0;
  if (options.grpc) {
    auto request = specwatch::bench::genai_batch(1, 1);
    auto* kv = request.mutable_resource_spans(0)
                   ->mutable_scope_spans(0)
                   ->mutable_spans(0)
                   ->add_attributes();
    kv->set_key("zeros");
    kv->mutable_value()->set_string_value(
        std::string(static_cast<std::size_t>(options.bomb_mib) << 20, '\0'));
    grpc::ChannelArguments arguments;
    arguments.SetMaxSendMessageSize(-1);
    auto stub = trace_v1::TraceService::NewStub(
        grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(options.port),
                                  grpc::InsecureChannelCredentials(), arguments));
    grpc::ClientContext context;
    context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
    trace_v1::ExportTraceServiceResponse response;
    grpc::Status status = stub->Export(&context, request, &response);
    answer = "grpc_status=" + std::to_string(status.error_code()) + " message=\"" +
             status.error_message() + "\"";
  } else {
    const std::string body = http_bomb(options.bomb_mib);
    sent_bytes = body.size();
    HttpConnection connection(options.port);
    const std::string head =
        "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n"
        "Content-Encoding: gzip\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n";
    answer = "http_status=" + std::to_string(connection.post(head, body));
  }
  const std::chrono::duration<double, std::milli> took = Clock::now() - t0;
  const double rss_after = options.pid > 0 ? rss_mb(options.pid) : 0;
  std::printf(
      "BOMB protocol=%s inflates_mib=%d sent_bytes=%zu %s ms=%.1f rss_mb_before=%.1f "
      "rss_mb_after=%.1f\n",
      options.grpc ? "grpc" : "http", options.bomb_mib, sent_bytes, answer.c_str(), took.count(),
      rss_before, rss_after);
  return 0;
}

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  if (options.bomb_mib > 0) return send_bomb(options);
  constexpr int kBodies = 16;
  std::vector<std::string> bodies;
  for (int i = 0; i < kBodies; ++i) {
    std::string body = specwatch::bench::genai_batch(options.spans, static_cast<std::uint64_t>(i))
                           .SerializeAsString();
    bodies.push_back(options.gzip && !options.grpc ? gzip(body) : body);
  }
  std::vector<trace_v1::ExportTraceServiceRequest> requests;
  if (options.grpc) {
    for (int i = 0; i < kBodies; ++i) {
      requests.push_back(
          specwatch::bench::genai_batch(options.spans, static_cast<std::uint64_t>(i)));
    }
  }

  Totals totals;
  const auto started = Clock::now();
  const auto deadline = started + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(options.duration_s));
  const std::optional<double> cpu_before =
      options.pid > 0 ? cpu_seconds(options.pid) : std::optional<double>(0.0);
  // Exports per second per connection when a rate is given.
  const double interval_s =
      options.rate > 0 ? options.spans * options.connections / options.rate : 0.0;

  std::vector<std::thread> workers;
  for (int c = 0; c < options.connections; ++c) {
    workers.emplace_back([&, c] {
      std::vector<double> latencies;
      long long accepted = 0, exports = 0, refused = 0, failed = 0;
      std::unique_ptr<HttpConnection> http;
      std::unique_ptr<trace_v1::TraceService::Stub> stub;
      if (options.grpc) {
        grpc::ChannelArguments arguments;
        arguments.SetInt("grpc.channel_id", c);  // one connection per worker
        stub = trace_v1::TraceService::NewStub(
            grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(options.port),
                                      grpc::InsecureChannelCredentials(), arguments));
      } else {
        http = std::make_unique<HttpConnection>(options.port);
      }
      auto next = Clock::now();
      for (int i = c; Clock::now() < deadline; i += options.connections) {
        if (interval_s > 0) {
          std::this_thread::sleep_until(next);  // pacing, not synchronisation
          next += std::chrono::duration_cast<Clock::duration>(
              std::chrono::duration<double>(interval_s));
        }
        const auto t0 = Clock::now();
        bool ok = false, busy = false;
        if (options.grpc) {
          grpc::ClientContext context;
          context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
          if (options.gzip) context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
          trace_v1::ExportTraceServiceResponse response;
          grpc::Status status = stub->Export(&context, requests[i % kBodies], &response);
          ok = status.ok();
          busy = status.error_code() == grpc::StatusCode::UNAVAILABLE;
        } else {
          const std::string& body = bodies[i % kBodies];
          std::string head =
              "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              "Content-Type: application/x-protobuf\r\nContent-Length: " +
              std::to_string(body.size()) + "\r\n" +
              (options.gzip ? "Content-Encoding: gzip\r\n" : "") + "\r\n";
          const int status = http->post(head, body);
          ok = status == 200;
          busy = status == 503;
        }
        const std::chrono::duration<double, std::milli> took = Clock::now() - t0;
        latencies.push_back(took.count());
        ++exports;
        if (ok)
          accepted += options.spans;
        else if (busy)
          ++refused;
        else
          ++failed;
      }
      std::lock_guard lock(totals.mutex);
      totals.latencies_ms.insert(totals.latencies_ms.end(), latencies.begin(), latencies.end());
      totals.accepted_spans += accepted;
      totals.exports += exports;
      totals.refused += refused;
      totals.failed += failed;
    });
  }
  for (auto& worker : workers) worker.join();
  const std::chrono::duration<double> elapsed = Clock::now() - started;

  double cpu = 0, rss = 0;
  if (options.pid > 0) {
    const std::optional<double> cpu_after = cpu_seconds(options.pid);
    if (cpu_before && cpu_after) cpu = *cpu_after - *cpu_before;
    rss = rss_mb(options.pid);
  }
  auto percentile = [&](double p) {
    if (totals.latencies_ms.empty()) return 0.0;
    std::sort(totals.latencies_ms.begin(), totals.latencies_ms.end());
    const std::size_t index = std::min(totals.latencies_ms.size() - 1,
                                       static_cast<std::size_t>(p * totals.latencies_ms.size()));
    return totals.latencies_ms[index];
  };
  const double p50 = percentile(0.50), p99 = percentile(0.99);
  std::fprintf(stderr,
               "otlp_load: protocol=%s gzip=%d exports=%lld refused=%lld failed=%lld "
               "elapsed_s=%.2f spans_per_s=%.0f p50_ms=%.2f\n",
               options.grpc ? "grpc" : "http", options.gzip ? 1 : 0, totals.exports, totals.refused,
               totals.failed, elapsed.count(),
               static_cast<double>(totals.accepted_spans) / elapsed.count(), p50);
  std::printf("W2 spans=%lld cpu_s=%.2f p99_ms=%.2f rss_mb=%.1f\n", totals.accepted_spans, cpu, p99,
              rss);
  return totals.failed == 0 ? 0 : 1;
}
