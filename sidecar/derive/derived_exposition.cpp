#include "sidecar/derive/derived_exposition.h"

namespace specwatch {

void DerivedExposition::append_text(std::string& out, const NameTaken& taken) const {
  std::lock_guard lock(mutex_);
  for (const auto& family : families_) {
    if (!taken || !taken(family->name())) family->append_text(out);
  }
}

}  // namespace specwatch
