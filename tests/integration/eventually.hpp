// Waiting for something a server does in the background, without a wall-clock assertion: poll
// until it holds, and give up only after a generous bound (a loaded machine just waits longer).
#pragma once
#include <chrono>
#include <functional>
#include <thread>

namespace rc::test {

// True as soon as `holds`; false after about `seconds`.
inline bool eventually(const std::function<bool()>& holds, int seconds) {
  for (int i = 0; i < seconds * 5; ++i) {
    if (holds()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return holds();
}

}  // namespace rc::test
