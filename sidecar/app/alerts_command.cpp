// `specwatch alerts`: asks a running sidecar for /api/v1/alerts and prints a table.
#include <rapidjson/document.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <string>

#include "sidecar/app/rules_commands.h"

namespace specwatch {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

struct Address {
  std::string host;
  std::string port;
  std::string path_prefix;
};

std::optional<Address> parse_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return std::nullopt;
  std::string rest = url.substr(scheme.size());
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  Address a;
  a.path_prefix = slash == std::string::npos ? "" : rest.substr(slash);
  while (!a.path_prefix.empty() && a.path_prefix.back() == '/') a.path_prefix.pop_back();
  size_t colon = authority.rfind(':');
  a.host = colon == std::string::npos ? authority : authority.substr(0, colon);
  a.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  if (a.host.empty() || a.port.empty()) return std::nullopt;
  return a;
}

std::string pairs_text(const rapidjson::Value& object) {
  std::string text;
  for (const auto& m : object.GetObject()) {
    if (std::string_view(m.name.GetString()) == "alertname") continue;
    if (!text.empty()) text += ", ";
    text += std::string(m.name.GetString()) + "=" + (m.value.IsString() ? m.value.GetString() : "");
  }
  return text;
}

const char* string_member(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

}  // namespace

int run_alerts(const std::string& url, std::FILE* out, std::FILE* err) {
  std::optional<Address> address = parse_url(url);
  if (!address) {
    std::fprintf(err, "specwatch: --url must look like http://host:port (got \"%s\")\n",
                 url.c_str());
    return 1;
  }
  std::string body;
  try {
    boost::asio::io_context io;
    tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(10));
    stream.connect(resolver.resolve(address->host, address->port));
    http::request<http::empty_body> request(http::verb::get,
                                            address->path_prefix + "/api/v1/alerts", 11);
    request.set(http::field::host, address->host);
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    if (response.result_int() != 200) {
      std::fprintf(err, "specwatch: %s/api/v1/alerts answered %u\n", url.c_str(),
                   response.result_int());
      return 1;
    }
    body = std::move(response.body());
  } catch (const std::exception& e) {
    std::fprintf(err, "specwatch: cannot ask %s: %s\n", url.c_str(), e.what());
    return 1;
  }
  rapidjson::Document doc;
  doc.Parse(body.c_str(), body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("data") || !doc["data"].IsObject() ||
      !doc["data"].HasMember("alerts") || !doc["data"]["alerts"].IsArray()) {
    std::fprintf(err, "specwatch: %s/api/v1/alerts did not answer in the API's shape\n",
                 url.c_str());
    return 1;
  }
  const auto& alerts = doc["data"]["alerts"].GetArray();
  std::fprintf(out, "%-8s %-36s %-24s %-12s %s\n", "STATE", "ALERTNAME", "ACTIVE SINCE", "VALUE",
               "LABELS");
  // Firing first, then pending, each in the order the sidecar lists them.
  for (const char* state : {"firing", "pending"}) {
    for (const auto& alert : alerts) {
      if (!alert.IsObject() || std::string_view(string_member(alert, "state")) != state) continue;
      auto labels = alert.FindMember("labels");
      std::string name;
      std::string others;
      if (labels != alert.MemberEnd() && labels->value.IsObject()) {
        name = string_member(labels->value, "alertname");
        others = pairs_text(labels->value);
      }
      std::fprintf(out, "%-8s %-36s %-24s %-12s %s\n", state, name.c_str(),
                   string_member(alert, "activeAt"), string_member(alert, "value"), others.c_str());
    }
  }
  std::fprintf(out, "%zu alerts\n", static_cast<size_t>(alerts.Size()));
  return 0;
}

}  // namespace specwatch
