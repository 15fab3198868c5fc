#!/usr/bin/env bash
# Installs everything nnport needs on Debian 12 (apt and npm packages) and builds it.
#   scripts/setup.sh [release|asan]   (default: release)
# Idempotent: packages already present are not reinstalled; the build is incremental.
set -euo pipefail
cd "$(dirname "$0")/.."

flavour="${1:-release}"
case "$flavour" in release|asan) ;; *) echo "usage: $0 [release|asan]" >&2; exit 2 ;; esac

# Build tools and libraries, plus the real frameworks the tests compare against
# (PyTorch from Debian; Node.js for the TensorFlow.js Keras oracle).
packages=(build-essential cmake ninja-build pkg-config git clang clang-format
          libtree-sitter-dev nlohmann-json3-dev libhdf5-dev libcli11-dev libfmt-dev
          googletest libgtest-dev libbenchmark-dev
          zlib1g-dev python3 python3-torch python3-numpy python3-h5py
          python3-torchvision python3-pandas python3-pil)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages: the tree-sitter Python grammar (compiled into nnport) and the test oracles.
# Install scripts are not needed (we compile the grammar's C sources ourselves).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

if [ "$flavour" = release ]; then
  cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DNNPORT_BUILD_TESTS=OFF >/dev/null
  cmake --build build/release --target nnport
else
  cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DNNPORT_SANITIZE=ON >/dev/null
  cmake --build build/asan
fi
