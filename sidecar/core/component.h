// The lifecycle every running component shares: sources, sinks (exporters), notifiers.
//
// Contract (one parameterised test exercises it for every component):
// - start() is called at most once.
// - stop() is safe without start() and when called more than once.
// - stop(drain_timeout_ms) finishes in-flight work within the deadline (a source waits for its
//   batches to be acknowledged, a sink delivers or spools what it holds), then persists final
//   state; after it returns the component emits nothing more.
// - ready() / not_ready_reason() feed GET /ready: a component that is still starting says why.
#pragma once

#include <string>

namespace specwatch {

class Component {
 public:
  virtual ~Component() = default;
  virtual const std::string& name() const = 0;
  virtual void start() = 0;
  virtual void stop(int drain_timeout_ms) = 0;
  virtual bool ready() const = 0;
  virtual std::string not_ready_reason() const = 0;
};

}  // namespace specwatch
