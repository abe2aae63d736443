// A sink (exporters/<name>/): a component that consumes events and delivers them somewhere.
#pragma once

#include "sidecar/core/component.h"
#include "sidecar/core/event_consumer.h"

namespace specwatch {

class Sink : public Component, public EventConsumer {
 public:
  // Component::name() and EventConsumer::name() are the same name.
  const std::string& name() const override = 0;
};

}  // namespace specwatch
