#include "sidecar/derive/spek_metrics.h"

namespace specwatch {

using namespace metric_labels;

DerivedMetrics::SpekFamilies::SpekFamilies(FamilyFactory f)
    : nasa_compliance(f.gauge("spek_nasa_compliance_score",
                              "Latest SPEK NASA Power-of-Ten compliance score (0 to 1).", {})) {}

void DerivedMetrics::SpekFamilies::record_compliance(const ComplianceResult& result) {
  if (result.standard == "nasa_pot10") nasa_compliance.get({}).Set(result.score);
}

}  // namespace specwatch
