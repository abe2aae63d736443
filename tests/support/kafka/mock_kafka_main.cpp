// specwatch_kafka_mock: librdkafka's mock cluster as a process, for tests of the real binary.
// Prints "bootstrap <servers>" on stdout, then obeys one command per line on stdin, answering "ok"
// to each: "down" / "up" (every broker), "topic <name> <partitions>", "fail <error code> <count>"
// (the next produce requests fail). Exits at end of input or on "quit".
#include <iostream>
#include <sstream>
#include <string>

#include "tests/support/kafka/mock_kafka_cluster.h"

int main(int argc, char** argv) {
  const int brokers = argc > 1 ? std::stoi(argv[1]) : 1;
  specwatch::testing::MockKafkaCluster cluster(brokers);
  std::cout << "bootstrap " << cluster.bootstraps() << std::endl;
  for (std::string line; std::getline(std::cin, line);) {
    std::istringstream words(line);
    std::string command;
    words >> command;
    if (command == "quit") break;
    if (command == "down" || command == "up") {
      cluster.set_down(command == "down");
    } else if (command == "topic") {
      std::string name;
      int partitions = 1;
      words >> name >> partitions;
      cluster.create_topic(name, partitions);
    } else if (command == "fail") {
      int code = 0;
      int count = 1;
      words >> code >> count;
      cluster.fail_produce(static_cast<rd_kafka_resp_err_t>(code), count);
    } else {
      std::cout << "unknown command " << command << std::endl;
      continue;
    }
    std::cout << "ok" << std::endl;
  }
  return 0;
}
