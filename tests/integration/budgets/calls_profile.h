// The profile the budget tests write their calls in: one JSON line per LLM call,
// {"provider","model","cost","in","out","wf"} (cost in USD, tokens in and out, the workflow id).
#pragma once

namespace specwatch::testing {

inline constexpr const char* kCallsProfile = R"(profiles:
  - name: calls
    input: json
    common:
      workflow_id: {field: wf}
    rules:
      - name: call
        emit: llm_call
        set:
          provider: {field: provider}
          model: {field: model}
          input_tokens: {field: in}
          output_tokens: {field: out}
          cost_usd: {field: cost}
)";

}  // namespace specwatch::testing
