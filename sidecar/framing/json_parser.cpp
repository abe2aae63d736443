#include "sidecar/framing/json_parser.h"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
// GCC 12 reports the result types' members as maybe-uninitialized inside simdjson's own inline
// code (a false positive: they are read only after a success check).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <simdjson.h>
#pragma GCC diagnostic pop

#include <bit>
#include <cstring>

#include "sidecar/core/record.h"
#include "sidecar/core/utf8.h"

namespace specwatch {
namespace {

constexpr std::size_t kInitialValuePool = 64 * 1024;
constexpr std::size_t kInitialStackPool = 16 * 1024;
// RapidJSON's recursive parser uses a few hundred bytes of stack per nesting level. Records
// nested deeper than this are parsed with the iterative parser instead.
constexpr std::size_t kMaxRecursiveDepth = 1024;

// UTF-8 is checked before parsing (is_valid_utf8 has an ASCII fast path) rather than by
// RapidJSON's kParseValidateEncodingFlag: measured 25-40% faster on log events (bench_framing).
// Full precision: every double is the correctly rounded value of its text, as simdjson's are, so
// that a record means the same whichever parser read it.
constexpr unsigned kBaseFlags = rapidjson::kParseDefaultFlags | rapidjson::kParseFullPrecisionFlag;

}  // namespace

bool may_nest_deeper_than(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return false;  // each level needs at least one byte
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) return true;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return false;
}

namespace {

// Maps an offset in the repaired copy of `original` back to `original`: every ill-formed byte
// became the three bytes of U+FFFD.
std::size_t original_offset(std::string_view original, std::size_t repaired_offset) {
  std::size_t in = 0;
  std::size_t out = 0;
  while (in < original.size() && out < repaired_offset) {
    const std::size_t length = utf8_sequence_length(original.substr(in));
    in += length == 0 ? 1 : length;
    out += length == 0 ? 3 : length;
  }
  return in;
}

// Feeds a simdjson element to a RapidJSON document's SAX interface, which builds the same DOM
// RapidJSON's own reader would: members in order, duplicates kept, numbers with RapidJSON's
// int/uint/int64/uint64/double flags (the GenericValue constructors set them from the value).
// Strings and keys are referenced (copy = false): they live in simdjson's string buffer until the
// next parse, as long as the document is valid. Depth is bounded by simdjson's maximum depth.
template <typename Handler>
void feed(simdjson::dom::element element, Handler& out) {
  using Type = simdjson::dom::element_type;
  switch (element.type()) {
    case Type::OBJECT: {
      out.StartObject();
      rapidjson::SizeType members = 0;
      // A copy: value_unsafe() refers into the temporary result, which a range-for would outlive.
      const simdjson::dom::object object = element.get_object().value_unsafe();
      for (const simdjson::dom::key_value_pair member : object) {
        out.Key(member.key.data(), static_cast<rapidjson::SizeType>(member.key.size()), false);
        feed(member.value, out);
        ++members;
      }
      out.EndObject(members);
      return;
    }
    case Type::ARRAY: {
      out.StartArray();
      rapidjson::SizeType elements = 0;
      const simdjson::dom::array array = element.get_array().value_unsafe();
      for (const simdjson::dom::element child : array) {
        feed(child, out);
        ++elements;
      }
      out.EndArray(elements);
      return;
    }
    case Type::STRING: {
      const std::string_view text = element.get_string().value_unsafe();
      out.String(text.data(), static_cast<rapidjson::SizeType>(text.size()), false);
      return;
    }
    case Type::INT64:
      out.Int64(element.get_int64().value_unsafe());
      return;
    case Type::UINT64:
      out.Uint64(element.get_uint64().value_unsafe());
      return;
    case Type::DOUBLE:
      out.Double(element.get_double().value_unsafe());
      return;
    case Type::BOOL:
      out.Bool(element.get_bool().value_unsafe());
      return;
    case Type::NULL_VALUE:
      out.Null();
      return;
  }
}

}  // namespace

struct JsonParser::Simd {
  simdjson::dom::parser parser;
  std::vector<char> padded;  // the record and simdjson's padding
  // Where the last document's tape and strings are (parse_view); their buffers move when the
  // parser grows, so this is set after every parse_view.
  JsonTape tape;
};

JsonParser::JsonParser(JsonParserOptions options)
    : options_(options), value_buffer_(kInitialValuePool), stack_buffer_(kInitialStackPool) {
  scratch_.reserve(4096);
  if (options_.simd) simd_ = std::make_unique<Simd>();
  prepare_pools();
}

JsonParser::~JsonParser() {
  // The document refers to the pools, which refer to the buffers: destroy in that order.
  document_.reset();
  value_pool_.reset();
  stack_pool_.reset();
}

void JsonParser::prepare_pools() {
  const bool rebuild = !document_ || value_pool_->Capacity() > value_buffer_.size() ||
                       stack_pool_->Capacity() > stack_buffer_.size();
  if (!rebuild) {
    value_pool_->Clear();
    stack_pool_->Clear();
    return;
  }
  // The last record needed more than the user buffers hold: size them to fit it, so that the
  // next records of that size parse without allocating.
  if (document_) {
    const std::size_t value_need = value_pool_->Capacity();
    const std::size_t stack_need = stack_pool_->Capacity();
    document_.reset();
    value_pool_.reset();
    stack_pool_.reset();
    if (value_need > value_buffer_.size()) value_buffer_.resize(std::bit_ceil(value_need) * 2);
    if (stack_need > stack_buffer_.size()) stack_buffer_.resize(std::bit_ceil(stack_need) * 2);
  }
  value_pool_.emplace(value_buffer_.data(), value_buffer_.size());
  stack_pool_.emplace(stack_buffer_.data(), stack_buffer_.size());
  document_.emplace(&*value_pool_, 1024, &*stack_pool_);
}

ParseResult JsonParser::validate(std::string_view record, bool padded) {
  if (simd_ && record.size() <= kSimdMaxRecordBytes) {
    if (parse_simd(record, /*build=*/false, padded)) {
      ParseResult result;
      result.validated = true;
      return result;
    }
    ++simd_refusals_;
  }
  return parse_without_simd(record);
}

bool JsonParser::parse_simd(std::string_view record, bool build, bool padded) {
  static_assert(kRecordPadding >= simdjson::SIMDJSON_PADDING);
  // simdjson reads up to SIMDJSON_PADDING bytes past the end (of any value): a record without
  // them is copied into a buffer that has them (a copy of a few hundred bytes, cheaper than
  // simdjson's own reallocation).
  const char* text = record.data();
  if (!padded) {
    std::vector<char>& copy = simd_->padded;
    if (copy.size() < record.size() + simdjson::SIMDJSON_PADDING) {
      copy.resize(std::bit_ceil(record.size() + simdjson::SIMDJSON_PADDING));
    }
    if (!record.empty()) std::memcpy(copy.data(), record.data(), record.size());
    text = copy.data();
  }
  simdjson::dom::element root;
  // simdjson validates UTF-8 and rejects a NUL outside strings (and control characters inside
  // them): a record it accepts needs neither of the checks the RapidJSON path makes.
  if (simd_->parser.parse(text, record.size(), false).get(root) != simdjson::SUCCESS) {
    return false;
  }
  if (!build) return true;
  struct Generator {
    simdjson::dom::element root;
    bool operator()(Document& document) const {
      feed(root, document);
      return true;
    }
  } populate{root};
  document_->Populate(populate);
  return true;
}

bool JsonParser::parse_into_document(std::string_view text, bool iterative) {
  if (options_.insitu) {
    scratch_.assign(text.begin(), text.end());
    scratch_.push_back('\0');
    if (iterative) {
      document_->ParseInsitu<kBaseFlags | rapidjson::kParseIterativeFlag>(scratch_.data());
    } else {
      document_->ParseInsitu<kBaseFlags>(scratch_.data());
    }
  } else if (iterative) {
    document_->Parse<kBaseFlags | rapidjson::kParseIterativeFlag>(text.data(), text.size());
  } else {
    document_->Parse<kBaseFlags>(text.data(), text.size());
  }
  return !document_->HasParseError();
}

ParseResult JsonParser::parse(std::string_view record, bool padded) {
  if (simd_ && record.size() <= kSimdMaxRecordBytes) {
    prepare_pools();
    if (parse_simd(record, /*build=*/true, padded)) {
      ParseResult result;
      result.value = &*document_;
      result.json = JsonRef::of(*document_);
      return result;
    }
    ++simd_refusals_;
  }
  return parse_without_simd(record);
}

ParseResult JsonParser::parse_view(std::string_view record, bool padded) {
  if (simd_ && record.size() <= kSimdMaxRecordBytes) {
    if (parse_simd(record, /*build=*/false, padded)) {
      // The parser's buffers move when it grows: where they are now.
      simd_->tape = {simd_->parser.doc.tape.get(), simd_->parser.doc.string_buf.get()};
      ParseResult result;
      result.json = JsonRef::on_tape(simd_->tape, 1);  // word 0 is the root word
      return result;
    }
    ++simd_refusals_;
  }
  return parse_without_simd(record);
}

ParseResult JsonParser::parse_without_simd(std::string_view record) {
  ParseResult result;
  prepare_pools();
  const bool iterative = options_.iterative || may_nest_deeper_than(record, kMaxRecursiveDepth);
  bool parsed = false;
  if (is_valid_utf8(record)) {
    parsed = parse_into_document(record, iterative);
  } else {
    // Keep the record: replace the ill-formed bytes and parse the repaired copy.
    repaired_.assign(record);
    result.utf8_replacements = sanitize_utf8(repaired_);
    result.repaired_utf8 = true;
    parsed = parse_into_document(repaired_, iterative);
  }
  if (!parsed) {
    std::size_t offset = document_->GetErrorOffset();
    if (result.repaired_utf8) offset = original_offset(record, offset);
    result.error_reason = "invalid_json";
    result.error_message = "invalid JSON at offset " + std::to_string(offset) + ": " +
                           rapidjson::GetParseError_En(document_->GetParseError());
    return result;
  }
  // RapidJSON treats NUL as the end of the input, so a NUL after the root would silently cut
  // the record short; NULs anywhere else already failed the parse.
  const std::string_view parsed_text = result.repaired_utf8 ? std::string_view(repaired_) : record;
  if (const void* nul = std::memchr(parsed_text.data(), '\0', parsed_text.size())) {
    std::size_t offset =
        static_cast<std::size_t>(static_cast<const char*>(nul) - parsed_text.data());
    if (result.repaired_utf8) offset = original_offset(record, offset);
    result.error_reason = "invalid_json";
    result.error_message =
        "invalid JSON at offset " + std::to_string(offset) + ": " +
        rapidjson::GetParseError_En(rapidjson::kParseErrorDocumentRootNotSingular);
    return result;
  }
  result.value = &*document_;
  result.json = JsonRef::of(*document_);
  return result;
}

std::string to_compact_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace specwatch
