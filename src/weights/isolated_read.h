// Running a read of an untrusted file through a library we cannot harden in a child process
// first. HDF5 1.10 crashes (invalid free, overlapping memcpy) and hangs on some damaged files
// (found by tests/fuzz/keras_weights_fuzz.cc); a crash or hang in the child becomes a message
// for the caller instead of taking nnport down.
#pragma once

#include <functional>
#include <string>

namespace nnport::weights {

// Runs `probe` in a forked child with a time limit. Returns "" when the child finished and
// `probe` returned "" (the caller then does the real work in-process), otherwise what went wrong:
// the probe's own message, or that the library crashed or did not finish. Without fork (or when
// NNPORT_NO_ISOLATION is set, for debugging) the probe is not run and "" is returned.
std::string probe_in_child(const std::function<std::string()>& probe, int timeout_seconds);

}  // namespace nnport::weights
