// Secrets (routing keys, webhook URLs, passwords, tokens) live in files so that a config can be
// committed and a secret mounted. The content is read at each delivery, so a rotated secret is
// picked up without a reload, and never appears in logs, metrics or errors.
#pragma once

#include <optional>
#include <string>

namespace specwatch {

// The file's content without trailing whitespace (a final newline); nullopt with `error` set
// ("cannot read <what> file <path>: <reason>" or "<what> file <path> is empty").
std::optional<std::string> read_secret_file(const std::string& path, const std::string& what,
                                            std::string& error);

}  // namespace specwatch
