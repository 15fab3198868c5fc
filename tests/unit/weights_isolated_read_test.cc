// A read through a library that may crash or hang on a hostile file runs in a child first: its
// crash or hang becomes a message, its own refusal passes through, success is silent.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>

#include "weights/checkpoint.h"
#include "weights/isolated_read.h"
#include "weights/keras_h5_reader.h"

using nnport::weights::probe_in_child;

TEST(IsolatedRead, SuccessIsSilent) {
  EXPECT_EQ(probe_in_child([] { return std::string(); }, 10), "");
}

TEST(IsolatedRead, TheProbesOwnRefusalPassesThrough) {
  EXPECT_EQ(probe_in_child([] { return std::string("not an HDF5 file"); }, 10), "not an HDF5 file");
}

TEST(IsolatedRead, ACrashInTheChildIsAMessage) {
  const std::string message = probe_in_child([]() -> std::string { std::abort(); }, 10);
  EXPECT_NE(message.find("crashed"), std::string::npos) << message;
}

// A crash handler of the parent (libFuzzer's saves the input as a crash artifact) must not run
// in the child: the crash there is the parent's to report. This one would turn the crash into
// exit status 42.
TEST(IsolatedRead, TheParentsCrashHandlersDoNotRunInTheChild) {
  struct sigaction handler {};
  struct sigaction previous {};
  handler.sa_handler = [](int) { _exit(42); };
  sigemptyset(&handler.sa_mask);
  ASSERT_EQ(sigaction(SIGSEGV, &handler, &previous), 0);
  const std::string message = probe_in_child(
      []() -> std::string {
        raise(SIGSEGV);
        return "not reached";
      },
      10);
  sigaction(SIGSEGV, &previous, nullptr);
  EXPECT_NE(message.find("crashed"), std::string::npos) << message;
}

TEST(IsolatedRead, AHangInTheChildIsStoppedAtTheTimeLimit) {
  const std::string message = probe_in_child(
      []() -> std::string {
        for (;;) pause();
      },
      1);
  EXPECT_NE(message.find("did not finish"), std::string::npos) << message;
}

// A damaged file found by the HDF5 fuzz target on which libhdf5 1.10.8 itself segfaults: the
// reader must refuse it with a message, and this process must survive.

TEST(IsolatedRead, LibHdf5CrashingOnADamagedFileIsAMessage) {
  nnport::weights::Checkpoint checkpoint;
  const std::string path =
      std::string(NNPORT_SOURCE_DIR) + "/tests/unit/weights_fixtures/hdf5_libhdf5_segfault.h5";
  const std::string message = nnport::weights::read_keras_h5(path, checkpoint);
  EXPECT_FALSE(message.empty());
  EXPECT_TRUE(checkpoint.tensors.empty());
}
