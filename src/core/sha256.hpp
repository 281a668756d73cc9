// SHA-256 as lower-case hex, for dialog content hashes and token hashes.
#pragma once
#include <string>

namespace rc {
std::string sha256_hex(const std::string& data);
}
