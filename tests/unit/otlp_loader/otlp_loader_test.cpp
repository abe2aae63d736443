// The daemon's loader finds the gRPC module in the installed layout ($ORIGIN/../lib/specwatch/)
// first and beside the executable second; a copy that exists but does not load is reported, not
// skipped. The real loader runs in otlp_loader_probe, copied into each layout.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "tests/integration/support/temp_dir.h"

namespace specwatch::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kModule = "libspecwatch_otlp_grpc.so";

struct PipeCloser {
  void operator()(FILE* pipe) const { pclose(pipe); }
};

// An installed tree under a temporary root: ROOT/usr/bin/specwatch-probe, ROOT/usr/lib/specwatch/.
class Layout {
 public:
  Layout() {
    fs::create_directories(bin());
    fs::create_directories(lib());
    fs::copy_file(LOADER_PROBE, probe());
    EXPECT_EQ(::chmod(probe().c_str(), 0755), 0);
  }
  std::string bin() const { return root_.file("usr/bin"); }
  std::string lib() const { return root_.file("usr/lib/specwatch"); }
  std::string probe() const { return bin() + "/specwatch-probe"; }
  void put(const char* module, const std::string& dir) const {
    fs::copy_file(module, dir + "/" + kModule);
  }
  // The probe's one line of output.
  std::string run() const {
    std::unique_ptr<FILE, PipeCloser> pipe(popen(probe().c_str(), "r"));
    if (!pipe) return "popen failed";
    std::string out;
    std::array<char, 512> buffer{};
    while (fgets(buffer.data(), buffer.size(), pipe.get()) != nullptr) out += buffer.data();
    return out;
  }

 private:
  TempDir root_;
};

TEST(OtlpGrpcModuleLookup, PackageLibDirectoryComesFirst) {
  Layout layout;
  layout.put(FAKE_MODULE_LIB, layout.lib());
  layout.put(FAKE_MODULE_ORIGIN, layout.bin());
  EXPECT_EQ(layout.run(), "name=fake-module-lib ready=1 reason=\n");
}

TEST(OtlpGrpcModuleLookup, PackageLibDirectoryAlone) {
  Layout layout;
  layout.put(FAKE_MODULE_LIB, layout.lib());
  EXPECT_EQ(layout.run(), "name=fake-module-lib ready=1 reason=\n");
}

TEST(OtlpGrpcModuleLookup, ExecutableDirectoryWhenNoPackageCopy) {
  Layout layout;
  layout.put(FAKE_MODULE_ORIGIN, layout.bin());
  EXPECT_EQ(layout.run(), "name=fake-module-origin ready=1 reason=\n");
}

TEST(OtlpGrpcModuleLookup, NoModuleNamesTheExecutableDirectory) {
  Layout layout;
  const std::string path = layout.bin() + "/" + kModule;
  EXPECT_EQ(layout.run(), "name=otlp-grpc ready=0 reason=cannot load the gRPC receiver module " +
                              path + ": " + path +
                              ": cannot open shared object file: No such file or directory\n");
}

TEST(OtlpGrpcModuleLookup, BrokenPackageCopyIsReportedNotSkipped) {
  Layout layout;
  const std::string broken = layout.lib() + "/" + kModule;
  write_file(broken, "not an ELF file\n");
  layout.put(FAKE_MODULE_ORIGIN, layout.bin());
  EXPECT_EQ(layout.run(), "name=otlp-grpc ready=0 reason=cannot load the gRPC receiver module " +
                              broken + ": " + broken + ": file too short\n");
}

}  // namespace
}  // namespace specwatch::testing
