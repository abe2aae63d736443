// make_otlp_grpc_receiver for the daemon: loads libspecwatch_otlp_grpc.so, so that gRPC (and the
// TLS and Abseil libraries it pulls in) is mapped only into a sidecar that has the gRPC receiver
// enabled. The module is looked for in two places, in this order:
//   1. $ORIGIN/../lib/specwatch/  installed (/usr/bin/specwatch, /usr/lib/specwatch/);
//   2. $ORIGIN/                   the build tree and the container image (beside the binary).
// The first place where the file exists is the one loaded: a module that exists but fails to load
// is reported as it is, never silently replaced by another copy further down the list.
#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "sidecar/otlp/otlp_grpc_factory.h"

namespace specwatch {
namespace {

struct ModuleCloser {
  void operator()(void* handle) const { dlclose(handle); }
};
using ModuleHandle = std::unique_ptr<void, ModuleCloser>;

std::string executable_directory() {
  std::string path(4096, '\0');
  const ssize_t length = readlink("/proc/self/exe", path.data(), path.size());
  if (length <= 0) return ".";
  path.resize(static_cast<std::size_t>(length));
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Where the module may be, in the order tried.
std::vector<std::string> module_candidates() {
  const std::filesystem::path origin = executable_directory();
  return {(origin / "../lib/specwatch" / kOtlpGrpcModuleFile).lexically_normal().string(),
          (origin / kOtlpGrpcModuleFile).lexically_normal().string()};
}

std::string dl_error() {
  const char* error = dlerror();
  return error != nullptr ? error : "unknown error";
}

// The receiver from the module; the module stays loaded for as long as the receiver exists
// (members are destroyed in reverse order: the receiver first).
class LoadedGrpcReceiver final : public Source {
 public:
  LoadedGrpcReceiver(ModuleHandle module, std::unique_ptr<Source> receiver)
      : module_(std::move(module)), receiver_(std::move(receiver)) {}

  const std::string& name() const override { return receiver_->name(); }
  void start() override { receiver_->start(); }
  void stop(int drain_timeout_ms) override { receiver_->stop(drain_timeout_ms); }
  bool ready() const override { return receiver_->ready(); }
  std::string not_ready_reason() const override { return receiver_->not_ready_reason(); }

 private:
  ModuleHandle module_;
  std::unique_ptr<Source> receiver_;
};

// Stands in for the receiver when the module cannot be loaded: never ready, says why, and the
// rest of the sidecar runs.
class UnavailableGrpcReceiver final : public Source {
 public:
  explicit UnavailableGrpcReceiver(std::string reason) : reason_(std::move(reason)) {}

  const std::string& name() const override { return name_; }
  void start() override {}
  void stop(int) override {}
  bool ready() const override { return false; }
  std::string not_ready_reason() const override { return reason_; }

 private:
  std::string name_ = "otlp-grpc";
  std::string reason_;
};

}  // namespace

std::unique_ptr<Source> make_otlp_grpc_receiver(const OtlpGrpcOptions& options, OtlpBatchSink& sink,
                                                MetricsConsumer& metrics_consumer,
                                                OtlpMetrics& metrics, Logger& logger) {
  // The first candidate that exists; when none does, the last one, so that dlopen's own
  // "No such file or directory" names the place a build tree or an image would hold it.
  const std::vector<std::string> candidates = module_candidates();
  std::string path = candidates.back();
  for (const std::string& candidate : candidates) {
    std::error_code ignored;
    if (std::filesystem::exists(candidate, ignored)) {
      path = candidate;
      break;
    }
  }
  const auto unavailable = [&](const std::string& error) -> std::unique_ptr<Source> {
    std::string reason = "cannot load the gRPC receiver module " + path + ": " + error;
    logger.error("OTLP/gRPC receiver unavailable", {{"error", reason}});
    return std::make_unique<UnavailableGrpcReceiver>(std::move(reason));
  };
  // RTLD_NODELETE: gRPC is never unmapped (its threads and exit handlers may outlive a
  // receiver); a reload that builds a new receiver finds the module already loaded.
  ModuleHandle module(dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE));
  if (!module) return unavailable(dl_error());
  dlerror();
  void* symbol = dlsym(module.get(), kOtlpGrpcFactorySymbol);
  if (symbol == nullptr) return unavailable(dl_error());
  const auto factory = reinterpret_cast<OtlpGrpcFactory>(symbol);
  std::unique_ptr<Source> receiver(factory(&options, &sink, &metrics_consumer, &metrics, &logger));
  return std::make_unique<LoadedGrpcReceiver>(std::move(module), std::move(receiver));
}

}  // namespace specwatch
