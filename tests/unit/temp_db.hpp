// A database path in the temp folder, unique to the process and the test, removed with its
// -wal and -shm files when it goes out of scope.
#pragma once
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

struct TempDb {
  explicit TempDb(const std::string& prefix = "test")
      : path((std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()) + ".db")).string()) {}
  ~TempDb() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
  }
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;
  std::string path;
};
