// Crash and hang isolation for reads through third-party file-format libraries.
#include "weights/isolated_read.h"

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>

// Sanitizer runtime hook (weak: absent, hence null, in builds without a sanitizer). libFuzzer
// registers its crash reporter here; a sanitizer report calls it before exiting.
extern "C" void __sanitizer_set_death_callback(void (*callback)()) __attribute__((weak));

namespace nnport::weights {
namespace {

// In the child, a crash is the expected outcome the parent turns into a message, so whatever
// the parent installed to report crashes must not run there: libFuzzer's crash handlers and
// death callback would save the input as a crash artifact although the parent handles it, and
// a sanitizer's handlers would print a report for a crash inside the library. The default
// actions terminate the child by the signal, which is what the parent looks for; no core file.
void restore_default_crash_handling() {
  for (int signal_number : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGTRAP, SIGSYS}) {
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    sigaction(signal_number, &action, nullptr);
  }
  // Sanitizer reports (e.g. an overlapping memcpy inside the library) still end the child with
  // a non-zero status, but without the fuzzer's artifact.
  if (__sanitizer_set_death_callback != nullptr) __sanitizer_set_death_callback(nullptr);
  const rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
}

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
    restore_default_crash_handling();
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
