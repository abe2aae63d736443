// Encoding and decoding of OTLP/HTTP bodies in either encoding: export requests in, export
// responses (with partial_success) and google.rpc.Status errors out.
#pragma once

#include <google/protobuf/message.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "sidecar/otlp/otlp_receiver_metrics.h"

namespace specwatch {

enum class OtlpEncoding : std::uint8_t { kProtobuf, kJson };

inline constexpr int kRpcInvalidArgument = 3;
inline constexpr int kRpcUnavailable = 14;

std::string_view content_type_of(OtlpEncoding encoding);

// Decodes `body` into `message`; "" on success, otherwise the reason.
std::string decode_request(OtlpEncoding encoding, std::string_view body,
                           google::protobuf::Message& message);

// Export{Trace,Logs,Metrics}ServiceResponse; partial_success is set when rejected > 0 or the
// message is not empty. JSON: {} or {"partialSuccess":{"rejectedSpans":"2","errorMessage":"..."}}
// (64-bit integers as strings, the proto3 JSON mapping).
std::string encode_export_response(OtlpEncoding encoding, OtlpSignal signal, std::int64_t rejected,
                                   const std::string& message);

// google.rpc.Status {code, message}; JSON {"code":3,"message":"..."}.
std::string encode_rpc_status(OtlpEncoding encoding, int code, const std::string& message);

}  // namespace specwatch
