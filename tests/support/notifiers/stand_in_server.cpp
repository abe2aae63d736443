#include "tests/support/notifiers/stand_in_server.h"

#include <strings.h>

#include <stdexcept>
#include <thread>

namespace specwatch::testing {

std::string StandInRequest::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (strcasecmp(key.c_str(), name.c_str()) == 0) return value;
  }
  return "";
}

StandInServer::StandInServer(std::string path, unsigned ok_status, std::string ok_body,
                             Validator validator, OnAccepted on_accepted)
    : path_(std::move(path)),
      ok_status_(ok_status),
      ok_body_(std::move(ok_body)),
      validator_(std::move(validator)),
      on_accepted_(std::move(on_accepted)) {
  HttpServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.threads = 2;
  server_ = std::make_unique<HttpServer>(options, logger_);
  server_->add_route(path_, {HttpMethod::kPost},
                     [this](const HttpRequest& request) { return handle(request); });
  if (std::string error = server_->start(); !error.empty()) throw std::runtime_error(error);
}

StandInServer::~StandInServer() {
  server_->stop();
}

std::string StandInServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port());
}

std::string StandInServer::url() const {
  return base_url() + path_;
}

void StandInServer::answer_next(std::vector<ScriptedAnswer> answers) {
  std::lock_guard lock(mutex_);
  script_.insert(script_.end(), answers.begin(), answers.end());
}

HttpResponse StandInServer::handle(const HttpRequest& request) {
  StandInRequest record;
  record.path = request.path;
  record.body = request.body;
  record.headers = request.headers.entries();
  record.at = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  auto content_type = request.headers.get("Content-Type");
  if (!content_type || content_type->find("application/json") != 0) {
    record.problems.push_back("Content-Type is not application/json");
  }
  rapidjson::Document doc;
  doc.Parse(request.body.c_str(), request.body.size());
  if (doc.HasParseError()) {
    record.problems.push_back("body is not JSON");
  } else {
    for (std::string& problem : validator_(doc)) record.problems.push_back(std::move(problem));
  }
  HttpResponse response;
  if (!record.problems.empty()) {
    std::string errors;
    for (const auto& problem : record.problems) {
      errors += (errors.empty() ? "\"" : ",\"") + problem + "\"";
    }
    response =
        HttpResponse::json(400, "{\"status\":\"invalid event\",\"errors\":[" + errors + "]}");
  } else if (!script_.empty()) {
    const ScriptedAnswer answer = script_.front();
    script_.pop_front();
    response = HttpResponse::json(answer.status, "{\"status\":\"scripted\"}");
    if (answer.retry_after_seconds) {
      response.headers.emplace_back("Retry-After", std::to_string(*answer.retry_after_seconds));
    }
  } else {
    response = HttpResponse::json(ok_status_, ok_body_);
    if (on_accepted_) on_accepted_(doc);
  }
  record.answered = response.status;
  requests_.push_back(std::move(record));
  return response;
}

std::vector<StandInRequest> StandInServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<StandInRequest> StandInServer::accepted() const {
  std::lock_guard lock(mutex_);
  std::vector<StandInRequest> out;
  for (const auto& request : requests_) {
    if (request.problems.empty() && request.answered == ok_status_) out.push_back(request);
  }
  return out;
}

std::vector<StandInRequest> StandInServer::invalid() const {
  std::lock_guard lock(mutex_);
  std::vector<StandInRequest> out;
  for (const auto& request : requests_) {
    if (!request.problems.empty()) out.push_back(request);
  }
  return out;
}

namespace {

bool poll(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace

bool StandInServer::wait_accepted(std::size_t n, std::chrono::milliseconds timeout) {
  return poll([&] { return accepted().size() >= n; }, timeout);
}

bool StandInServer::wait_requests(std::size_t n, std::chrono::milliseconds timeout) {
  return poll([&] { return requests().size() >= n; }, timeout);
}

}  // namespace specwatch::testing
