// Realistic GenAI spans for the OTLP benchmarks and the W2 load generator: one resource
// (service.name "specular"), CLIENT spans named "chat <model>" with gen_ai.* attributes.
#pragma once

#include <cstdint>
#include <string>

#include "sidecar/otlp/proto/trace_service.pb.h"

namespace specwatch::bench {

// `spans` spans; `seed` varies ids and timestamps between batches.
opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest genai_batch(
    int spans, std::uint64_t seed);

// The same batch in OTLP/JSON.
std::string genai_batch_json(int spans, std::uint64_t seed);

}  // namespace specwatch::bench
