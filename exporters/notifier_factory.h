// Builds the notifiers of the `notifiers:` list, each by its type's factory.
#pragma once

#include <memory>
#include <vector>

#include "exporters/notifier_config.h"
#include "exporters/notifiers_common/queued_notifier.h"

namespace specwatch {

std::vector<std::unique_ptr<AlertNotifier>> make_notifiers(
    const std::vector<NotifierConfig>& notifiers, const NotifierServices& services);

}  // namespace specwatch
