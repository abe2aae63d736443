#include "sidecar/framing/json_document.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cstdint>

#include "sidecar/framing/json_parser.h"

namespace specwatch {
namespace {

constexpr std::size_t kMaxDocumentDepth = 1000;

// The value at a dotted path below `root`, or nullptr when a step is missing.
const rapidjson::Value* find_path(const rapidjson::Value& root, std::string_view path) {
  const rapidjson::Value* current = &root;
  while (true) {
    const std::size_t dot = path.find('.');
    const std::string_view step = path.substr(0, dot);
    if (!current->IsObject()) return nullptr;
    const auto member =
        current->FindMember(rapidjson::Value(rapidjson::StringRef(step.data(), step.size())));
    if (member == current->MemberEnd()) return nullptr;
    current = &member->value;
    if (dot == std::string_view::npos) return current;
    path.remove_prefix(dot + 1);
  }
}

DocumentRecord make_record(const rapidjson::Value& value, std::string_view key_path) {
  DocumentRecord record;
  record.json = to_compact_json(value);
  if (!key_path.empty()) {
    if (const rapidjson::Value* key = find_path(value, key_path)) {
      if (key->IsString()) {
        record.key.assign(key->GetString(), key->GetStringLength());
        return record;
      }
      if (key->IsNumber() || key->IsBool()) {
        record.key = to_compact_json(*key);
        return record;
      }
    }
  }
  record.key = content_hash_key(record.json);
  return record;
}

}  // namespace

std::string content_hash_key(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string key = "h:";
  key.resize(2 + 16);
  for (int i = 15; i >= 0; --i) {
    key[2 + static_cast<std::size_t>(i)] = kHex[hash & 0xf];
    hash >>= 4;
  }
  return key;
}

DocumentSplit split_json_document(std::string_view content, std::string_view key_path) {
  DocumentSplit split;
  rapidjson::Document document;
  // Iterative parsing: a hostile document nested a million levels deep must not exhaust the
  // stack.
  document.Parse<rapidjson::kParseIterativeFlag>(content.data(), content.size());
  if (document.HasParseError()) {
    split.error_reason = "invalid_json";
    split.error_message = "invalid JSON at offset " + std::to_string(document.GetErrorOffset()) +
                          ": " + rapidjson::GetParseError_En(document.GetParseError());
    return split;
  }
  // Serialising the records recurses once per level; refuse documents that could exhaust the
  // stack.
  if (may_nest_deeper_than(content, kMaxDocumentDepth)) {
    split.error_reason = "invalid_document";
    split.error_message =
        "the document nests deeper than " + std::to_string(kMaxDocumentDepth) + " levels";
    return split;
  }
  if (document.IsArray()) {
    split.records.reserve(document.Size());
    for (const auto& element : document.GetArray()) {
      split.records.push_back(make_record(element, key_path));
    }
  } else if (document.IsObject()) {
    split.records.push_back(make_record(document, key_path));
  } else {
    split.error_reason = "invalid_document";
    split.error_message = "the document is neither a JSON array nor a JSON object";
  }
  return split;
}

}  // namespace specwatch
