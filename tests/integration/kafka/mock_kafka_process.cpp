#include "tests/integration/kafka/mock_kafka_process.h"

#include <rapidjson/document.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace specwatch::testing {

MockKafkaProcess::MockKafkaProcess() {
  int in[2];
  int out[2];
  if (::pipe(in) != 0 || ::pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(in[0], STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    ::close(in[1]);
    ::close(out[0]);
    ::execl(SPECWATCH_KAFKA_MOCK, SPECWATCH_KAFKA_MOCK, static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  to_child_ = in[1];
  from_child_ = out[0];
  const std::string first = read_line();
  if (first.rfind("bootstrap ", 0) != 0) throw std::runtime_error("mock said: " + first);
  bootstraps_ = first.substr(10);
}

MockKafkaProcess::~MockKafkaProcess() {
  if (to_child_ >= 0) ::close(to_child_);  // end of input: the mock exits
  if (pid_ > 0) {
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (from_child_ >= 0) ::close(from_child_);
}

std::string MockKafkaProcess::read_line() {
  while (true) {
    if (auto end = buffered_.find('\n'); end != std::string::npos) {
      std::string line = buffered_.substr(0, end);
      buffered_.erase(0, end + 1);
      return line;
    }
    char chunk[256];
    const ssize_t n = ::read(from_child_, chunk, sizeof chunk);
    if (n <= 0) return "";
    buffered_.append(chunk, static_cast<std::size_t>(n));
  }
}

bool MockKafkaProcess::command(const std::string& line) {
  const std::string text = line + "\n";
  if (::write(to_child_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    return false;
  }
  return read_line() == "ok";
}

std::vector<KcatMessage> kcat_consume(const std::string& bootstraps, const std::string& topic) {
  // -J: one JSON envelope per line, with the key, the headers (a flat name, value array) and the
  // payload as a string.
  const std::string command =
      "kcat -C -J -q -e -b '" + bootstraps + "' -t '" + topic + "' 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  std::string output;
  std::array<char, 65536> chunk;
  while (std::size_t n = std::fread(chunk.data(), 1, chunk.size(), pipe.get())) {
    output.append(chunk.data(), n);
  }
  std::vector<KcatMessage> out;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    rapidjson::Document envelope;
    envelope.Parse(line.c_str());
    if (envelope.HasParseError() || !envelope.IsObject()) continue;
    KcatMessage message;
    if (envelope.HasMember("partition") && envelope["partition"].IsInt()) {
      message.partition = envelope["partition"].GetInt();
    }
    if (envelope.HasMember("offset") && envelope["offset"].IsInt64()) {
      message.offset = envelope["offset"].GetInt64();
    }
    if (envelope.HasMember("key") && envelope["key"].IsString()) {
      message.key = envelope["key"].GetString();
    }
    if (envelope.HasMember("payload") && envelope["payload"].IsString()) {
      message.value = envelope["payload"].GetString();
    }
    if (envelope.HasMember("headers") && envelope["headers"].IsArray()) {
      const auto& headers = envelope["headers"];
      for (rapidjson::SizeType i = 0; i + 1 < headers.Size(); i += 2) {
        message.headers[headers[i].GetString()] = headers[i + 1].GetString();
      }
    }
    out.push_back(std::move(message));
  }
  return out;
}

}  // namespace specwatch::testing
