// The program specwatch_kafka_mock (tests/support/kafka) as a child process the test commands
// over a pipe, and kcat as the independent consumer of what reached it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace specwatch::testing {

class MockKafkaProcess {
 public:
  MockKafkaProcess();  // starts it and reads its bootstrap servers
  ~MockKafkaProcess();
  MockKafkaProcess(const MockKafkaProcess&) = delete;
  MockKafkaProcess& operator=(const MockKafkaProcess&) = delete;

  const std::string& bootstraps() const { return bootstraps_; }
  // Sends one command ("down", "up", "topic t 3", "fail <code> <n>") and waits for its "ok".
  bool command(const std::string& line);

 private:
  std::string read_line();
  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
  std::string buffered_;
  std::string bootstraps_;
};

struct KcatMessage {
  int partition = -1;
  std::int64_t offset = -1;  // in its partition
  std::string key;
  std::map<std::string, std::string> headers;
  std::string value;
};

// Every message of `topic` from the beginning to the current end, read by kcat.
std::vector<KcatMessage> kcat_consume(const std::string& bootstraps, const std::string& topic);

}  // namespace specwatch::testing
