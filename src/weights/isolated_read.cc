// Crash and hang isolation for reads through third-party file-format libraries.
#include "weights/isolated_read.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>

namespace nnport::weights {
namespace {

// Reads what the child wrote (its probe message) until EOF or the deadline.
bool read_until(int fd, std::string& out, std::chrono::steady_clock::time_point deadline) {
  char buffer[512];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return true;
    if (out.size() < 4096) out.append(buffer, static_cast<size_t>(n));
  }
}

}  // namespace

std::string probe_in_child(const std::function<std::string()>& probe, int timeout_seconds) {
  if (std::getenv("NNPORT_NO_ISOLATION")) return "";
  int fds[2];
  if (pipe(fds) != 0) return "";
  const pid_t child = fork();
  if (child < 0) {
    close(fds[0]);
    close(fds[1]);
    return "";
  }
  if (child == 0) {
    close(fds[0]);
    const std::string message = probe();
    size_t written = 0;
    while (written < message.size()) {
      const ssize_t n = write(fds[1], message.data() + written, message.size() - written);
      if (n <= 0) break;
      written += static_cast<size_t>(n);
    }
    // _exit: no atexit handlers (HDF5's shutdown, leak checks) run in the child.
    _exit(message.empty() ? 0 : 1);
  }
  close(fds[1]);
  std::string message;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  const bool finished = read_until(fds[0], message, deadline);
  close(fds[0]);
  int status = 0;
  if (!finished) {
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    return "the HDF5 library did not finish reading this file within " +
           std::to_string(timeout_seconds) + " s (a damaged or hostile file)";
  }
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status))
    return std::string("the HDF5 library crashed reading this file (") +
           strsignal(WTERMSIG(status)) + "): it is damaged or hostile";
  if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && message.empty()))
    return "the HDF5 library failed reading this file (exit status " +
           std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
           "): it is damaged or hostile";
  return message;
}

}  // namespace nnport::weights
