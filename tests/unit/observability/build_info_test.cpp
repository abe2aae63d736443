#include "sidecar/observability/build_info.h"

#include <gtest/gtest.h>

#include "sidecar/observability/admin_endpoints.h"

namespace specwatch {
namespace {

TEST(BuildInfo, ExposesVersionLabelWithValueOne) {
  prometheus::Registry registry;
  register_build_info(registry, "1.2.3");
  EXPECT_EQ(render_metrics(registry),
            "# HELP specwatch_build_info Build information of the running specwatch sidecar; the "
            "value is always 1.\n"
            "# TYPE specwatch_build_info gauge\n"
            "specwatch_build_info{version=\"1.2.3\"} 1\n");
}

}  // namespace
}  // namespace specwatch
