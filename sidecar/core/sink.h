// A sink (exporters/<name>/): a component that consumes events and delivers them somewhere.
#pragma once

#include <string>

#include "sidecar/core/component.h"
#include "sidecar/core/event_consumer.h"

namespace specwatch {

class Sink : public Component, public EventConsumer {
 public:
  // Component::name() and EventConsumer::name() are the same name.
  const std::string& name() const override = 0;

  // Why the sink cannot reach its peer now (a Kafka cluster, an Elasticsearch node): "" when it
  // can, as far as it knows, and for a sink without one. Shown by `specwatch status` and
  // /api/v1/status beside readiness, never as readiness: a sidecar's /ready decides whether its
  // pod serves traffic, and an outage of a shared backend must not take every application out
  // of its Service (the events wait in the spool instead).
  virtual std::string peer_error() const { return ""; }
  // A sink writes to disks and peers (its spool, its file, its queue): it may wait.
  bool may_block() const override { return true; }
};

}  // namespace specwatch
