// The two things the bench measures. Each runs to completion in bounded time and returns what it saw.
#pragma once
#include "bench_options.hpp"
#include "chat_client.hpp"
#include "report.hpp"

namespace bench {

// C connections walk the script as fast as the server answers; counts what lands in the window
// that opens after the warm-up.
LoadReport run_load(const Options& options, const std::vector<tcp::endpoint>& servers);

// N connections each start a conversation, then hold still; the server's memory before and after.
IdleReport run_idle(const Options& options, const std::vector<tcp::endpoint>& servers);

}  // namespace bench
