#pragma once

// Human-readable rendering of control-channel answers for slob-ctl (without --json).

#include <string>

#include <nlohmann/json.hpp>

namespace slob::core {

std::string format_answer(const std::string& command, const nlohmann::json& result);

}  // namespace slob::core
