// The derived families as /metrics writes them (sidecar/core/text_exposable.h), in the order they
// were made. FamilyFactory (metric_family_factory.h) adds each family it makes here and hands it
// to the family's LimitedFamily, which adds each series it creates.
//
// The daemon registers the derived families in a registry of their own, which /metrics does not
// collect, and serves this instead (DerivedMetrics::exposition()). Where the families share the
// registry /metrics collects (tests, `pricing check`), a page that listed this too would still
// hold each family once: a family whose name is already on the page is left out.
//
// Thread-safe: families are added on the pipeline thread (a tool's families on its first event)
// while a render reads on its own.
#pragma once

#include <prometheus/histogram.h>

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "sidecar/core/text_exposable.h"
#include "sidecar/derive/exposed_family.h"

namespace specwatch {

class DerivedExposition final : public TextExposable {
 public:
  DerivedExposition() = default;
  DerivedExposition(const DerivedExposition&) = delete;
  DerivedExposition& operator=(const DerivedExposition&) = delete;

  // A new family; the reference stays valid as long as this.
  template <typename Metric>
  ExposedSeries<Metric>& add_family(std::string name, std::string help,
                                    const prometheus::Histogram::BucketBoundaries& bounds = {}) {
    auto family = std::make_unique<ExposedSeries<Metric>>(std::move(name), std::move(help), bounds);
    ExposedSeries<Metric>& added = *family;
    std::lock_guard lock(mutex_);
    families_.push_back(std::move(family));
    return added;
  }

  void append_text(std::string& out, const NameTaken& taken) const override;

 private:
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<ExposedFamily>> families_;
};

}  // namespace specwatch
