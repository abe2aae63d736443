#include "sidecar/framing/json_document.h"

#include <gtest/gtest.h>

#include <string>

namespace specwatch {
namespace {

TEST(ContentHashKey, IsFnv1a64InHex) {
  EXPECT_EQ(content_hash_key(""), "h:cbf29ce484222325");
  EXPECT_EQ(content_hash_key("a"), "h:af63dc4c8601ec8c");
}

TEST(SplitJsonDocument, ArrayGivesOneCompactRecordPerElementKeyedByField) {
  const std::string content = R"([
  {"run_id": "r-1", "status": "completed", "created_at": "2026-05-01T10:00:00Z",
   "completed_at": "2026-05-01T10:05:00Z"},
  {"run_id": "r-2", "status": "running", "created_at": "2026-05-01T11:00:00Z",
   "completed_at": null}
]
)";
  const DocumentSplit split = split_json_document(content, "run_id");
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(split.error_reason, "");
  ASSERT_EQ(split.records.size(), 2u);
  EXPECT_EQ(split.records[0].json,
            R"({"run_id":"r-1","status":"completed","created_at":"2026-05-01T10:00:00Z",)"
            R"("completed_at":"2026-05-01T10:05:00Z"})");
  EXPECT_EQ(split.records[0].key, "r-1");
  EXPECT_EQ(split.records[1].json,
            R"({"run_id":"r-2","status":"running","created_at":"2026-05-01T11:00:00Z",)"
            R"("completed_at":null})");
  EXPECT_EQ(split.records[1].key, "r-2");
}

TEST(SplitJsonDocument, ObjectGivesOneRecordWithNestedKeyPath) {
  const std::string content =
      "{\n  \"provenance\": {\"workflowId\": \"wf-42\"},\n  \"score\": 0.5\n}";
  const DocumentSplit split = split_json_document(content, "provenance.workflowId");
  ASSERT_TRUE(split.ok());
  ASSERT_EQ(split.records.size(), 1u);
  EXPECT_EQ(split.records[0].json, R"({"provenance":{"workflowId":"wf-42"},"score":0.5})");
  EXPECT_EQ(split.records[0].key, "wf-42");
}

TEST(SplitJsonDocument, MissingKeyFallsBackToContentHashAndKeepsTheRecord) {
  const DocumentSplit split =
      split_json_document(R"([{"run_id":"a"}, {"other":1}, {"run_id":null}])", "run_id");
  ASSERT_TRUE(split.ok());
  ASSERT_EQ(split.records.size(), 3u);
  EXPECT_EQ(split.records[0].key, "a");
  EXPECT_EQ(split.records[1].json, R"({"other":1})");
  EXPECT_EQ(split.records[1].key, content_hash_key(R"({"other":1})"));
  EXPECT_EQ(split.records[2].key, content_hash_key(R"({"run_id":null})"));
  EXPECT_EQ(split.records[1].key.size(), 18u);
}

TEST(SplitJsonDocument, NestedPathThroughANonObjectIsMissing) {
  const DocumentSplit split = split_json_document(R"({"a":"text"})", "a.b");
  ASSERT_EQ(split.records.size(), 1u);
  EXPECT_EQ(split.records[0].key, content_hash_key(R"({"a":"text"})"));
}

TEST(SplitJsonDocument, EmptyKeyPathUsesTheHash) {
  const DocumentSplit split = split_json_document(R"([{"run_id":"a"}])", "");
  ASSERT_EQ(split.records.size(), 1u);
  EXPECT_EQ(split.records[0].key, content_hash_key(R"({"run_id":"a"})"));
}

TEST(SplitJsonDocument, NumericAndBooleanKeysUseTheirJsonText) {
  const DocumentSplit split =
      split_json_document(R"([{"id":42},{"id":-7},{"id":1.5},{"id":true}])", "id");
  ASSERT_TRUE(split.ok());
  ASSERT_EQ(split.records.size(), 4u);
  EXPECT_EQ(split.records[0].key, "42");
  EXPECT_EQ(split.records[1].key, "-7");
  EXPECT_EQ(split.records[2].key, "1.5");
  EXPECT_EQ(split.records[3].key, "true");
}

TEST(SplitJsonDocument, ScalarElementsOfAnArrayAreRecordsToo) {
  const DocumentSplit split = split_json_document("[1,\"two\"]", "id");
  ASSERT_EQ(split.records.size(), 2u);
  EXPECT_EQ(split.records[0].json, "1");
  EXPECT_EQ(split.records[1].json, "\"two\"");
  EXPECT_EQ(split.records[1].key, content_hash_key("\"two\""));
}

TEST(SplitJsonDocument, EmptyArrayHasNoRecords) {
  const DocumentSplit split = split_json_document(" [ ] ", "id");
  EXPECT_TRUE(split.ok());
  EXPECT_TRUE(split.records.empty());
}

TEST(SplitJsonDocument, InvalidJsonHasExactMessage) {
  const DocumentSplit split = split_json_document(R"([{"run_id": "a",}])", "run_id");
  EXPECT_FALSE(split.ok());
  EXPECT_EQ(split.error_reason, "invalid_json");
  EXPECT_EQ(split.error_message, "invalid JSON at offset 16: Missing a name for object member.");
  EXPECT_TRUE(split.records.empty());
}

TEST(SplitJsonDocument, TruncatedDocumentIsInvalidJson) {
  const DocumentSplit split = split_json_document(R"([{"run_id": "a"})", "run_id");
  EXPECT_EQ(split.error_reason, "invalid_json");
  EXPECT_EQ(split.error_message,
            "invalid JSON at offset 16: Missing a comma or ']' after an array element.");
}

TEST(SplitJsonDocument, EmptyContentIsInvalidJson) {
  const DocumentSplit split = split_json_document("  \n", "");
  EXPECT_EQ(split.error_reason, "invalid_json");
  EXPECT_EQ(split.error_message, "invalid JSON at offset 3: The document is empty.");
}

TEST(SplitJsonDocument, TopLevelScalarIsInvalidDocument) {
  const DocumentSplit split = split_json_document("42", "");
  EXPECT_FALSE(split.ok());
  EXPECT_EQ(split.error_reason, "invalid_document");
  EXPECT_EQ(split.error_message, "the document is neither a JSON array nor a JSON object");
  EXPECT_TRUE(split.records.empty());
}

TEST(SplitJsonDocument, ExcessiveNestingIsRefusedWithoutCrashing) {
  const std::string deep = std::string(5000, '[') + std::string(5000, ']');
  const DocumentSplit split = split_json_document(deep, "");
  EXPECT_EQ(split.error_reason, "invalid_document");
  EXPECT_EQ(split.error_message, "the document nests deeper than 1000 levels");
}

}  // namespace
}  // namespace specwatch
