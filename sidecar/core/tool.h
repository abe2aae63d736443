// Which tool of the stack a profile's events belong to, and so which tool's own metric names
// (specular_*, queries_total, spek_nasa_compliance_score, ...) they feed besides the specwatch_*
// ones. A profile says it explicitly (`tool:`); the built-in profiles of each tool set it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace specwatch {

enum class Tool : std::uint8_t {
  kNone,  // only the specwatch_* metrics
  kSpecular,
  kSpecAgents,
  kSpek,
  kSpecWeaver,
  // The tool is the event's service (OTLP records carry it in the resource's service.name):
  // Specular's own spans feed specular_command_* as its trace files do.
  kByService,
};

// The `tool:` spellings: "specular", "spec-agents", "spek", "specweaver", "service", "none".
constexpr std::optional<Tool> tool_from_name(std::string_view name) {
  if (name == "none") return Tool::kNone;
  if (name == "specular") return Tool::kSpecular;
  if (name == "spec-agents") return Tool::kSpecAgents;
  if (name == "spek") return Tool::kSpek;
  if (name == "specweaver") return Tool::kSpecWeaver;
  if (name == "service") return Tool::kByService;
  return std::nullopt;
}

constexpr std::string_view tool_name(Tool tool) {
  switch (tool) {
    case Tool::kNone:
      return "none";
    case Tool::kSpecular:
      return "specular";
    case Tool::kSpecAgents:
      return "spec-agents";
    case Tool::kSpek:
      return "spek";
    case Tool::kSpecWeaver:
      return "specweaver";
    case Tool::kByService:
      return "service";
  }
  return "none";
}

// The tool a service name of the stack belongs to; kNone for any other service.
constexpr Tool tool_of_service(std::string_view service) {
  if (service == "specular") return Tool::kSpecular;
  if (service == "spec-agents") return Tool::kSpecAgents;
  if (service == "spek") return Tool::kSpek;
  if (service == "specweaver") return Tool::kSpecWeaver;
  return Tool::kNone;
}

}  // namespace specwatch
