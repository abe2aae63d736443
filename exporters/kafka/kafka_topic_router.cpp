#include "exporters/kafka/kafka_topic_router.h"

namespace specwatch {
namespace {

constexpr std::size_t kMaxTopicLength = 249;

bool topic_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

void append_field(std::string_view value, std::string& out) {
  if (value.empty()) value = "unknown";
  for (char c : value) out.push_back(topic_char(c) ? c : '_');
}

}  // namespace

KafkaTopicRouter::KafkaTopicRouter(std::string topic_template, std::size_t max_topics,
                                   std::string overflow)
    : template_(std::move(topic_template)),
      templated_(template_.find('{') != std::string::npos),
      max_topics_(max_topics),
      overflow_(std::move(overflow)) {
  if (overflow_.empty()) render("other", "other", "other", overflow_);
}

void KafkaTopicRouter::render(std::string_view service, std::string_view source,
                              std::string_view kind, std::string& out) const {
  out.clear();
  for (std::size_t i = 0; i < template_.size();) {
    if (template_[i] == '{') {
      const std::size_t close = template_.find('}', i);
      const std::string_view field(template_.data() + i + 1, close - i - 1);
      append_field(field == "service" ? service : field == "source" ? source : kind, out);
      i = close + 1;
    } else {
      out.push_back(template_[i++]);
    }
  }
  if (out.size() > kMaxTopicLength) out.resize(kMaxTopicLength);
}

std::string_view KafkaTopicRouter::topic(std::string_view service, std::string_view source,
                                         std::string_view kind) {
  if (!templated_) return template_;
  render(service, source, kind, scratch_);
  if (auto found = topics_.find(scratch_); found != topics_.end()) return *found;
  if (topics_.size() >= max_topics_) {
    ++overflowed_;
    return overflow_;
  }
  return *topics_.insert(scratch_).first;
}

}  // namespace specwatch
