// The topic of each message: the configured topic, or a template over event fields
// ("specwatch.{service}", fields {service}, {source}, {kind}) rendered per event. A template can
// only make max_topics distinct topics: an event that would make one more goes to the overflow
// topic (counted), so a service name taken from the data cannot create topics without bound.
// Field values are made valid topic characters ([A-Za-z0-9._-]; anything else becomes '_'; an
// empty value "unknown"); a topic is at most 249 characters.
//
// Not thread-safe: one router per sink, used on the pipeline's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

namespace specwatch {

class KafkaTopicRouter {
 public:
  // `overflow`: "" for the template with every field "other".
  KafkaTopicRouter(std::string topic_template, std::size_t max_topics, std::string overflow);

  // The topic for an event; the view stays valid as long as the router.
  std::string_view topic(std::string_view service, std::string_view source, std::string_view kind);

  std::size_t topics() const { return topics_.size(); }
  // Events sent to the overflow topic because the set was full.
  std::uint64_t overflowed() const { return overflowed_; }
  const std::string& overflow_topic() const { return overflow_; }

 private:
  void render(std::string_view service, std::string_view source, std::string_view kind,
              std::string& out) const;

  std::string template_;
  bool templated_;
  std::size_t max_topics_;
  std::string overflow_;
  std::unordered_set<std::string> topics_;  // node-based: views into it stay valid
  std::string scratch_;
  std::uint64_t overflowed_ = 0;
};

}  // namespace specwatch
