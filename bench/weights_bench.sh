#!/usr/bin/env bash
# Weight conversion benchmark (on demand, not in CI): a ~2 GB model-like checkpoint (conv
# kernels, large Linear weights, biases, BatchNorm buffers) generated with PyTorch for a matching
# model source, converted to Keras with `nnport convert-weights`, then the Keras file back to a
# PyTorch .pt for the generated Keras model, each against `cp` of its input file. Both run once
# first, so both see a warm page cache. Reports wall times, the throughput ratio
# cp_time / nnport_time (target >= 0.5), user and system CPU times (steadier than wall times on a
# shared machine), peak RSS (target: far below 256 MB) and the machine load before and after
# (wall times on a busy machine say little). nnport's wall time includes the fsync of its atomic
# output (cp does not flush); its large blocks go to the disk directly (O_DIRECT), so little is
# left to flush.
#   bench/weights_bench.sh [WORKDIR]      (WORKDIR needs ~8 GB free; default: a temp dir)
# Set NNPORT_BENCH_PT=1 to also convert the same state_dict saved with torch.save (.pt) to Keras.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# NNPORT_BENCH_BUILD: the build directory (default build/bench).
build="${NNPORT_BENCH_BUILD:-build/bench}"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNNPORT_BUILD_BENCH=ON -DNNPORT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target nnport -j2
nnport="$root/$build/nnport"

if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time for peak RSS" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y time >/dev/null; else sudo apt-get install -y time >/dev/null; fi
fi
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "PyTorch for /usr/bin/python3 is needed to generate the checkpoint (apt-get install python3-torch)" >&2
  exit 1
fi

if [ $# -ge 1 ]; then
  work="$1"
  mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

# The model: a conv stack whose (C, H, W) flatten feeds large Linear layers, so conversion does
# conv kernel permutations, the flatten reorder of fc1 and big 2-D transposes.
cat >"$work/big_mlp_cnn.py" <<'EOF'
import torch
import torch.nn as nn


class BigNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(64)
        self.conv2 = nn.Conv2d(64, 128, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(128)
        self.conv3 = nn.Conv2d(128, 256, 3, padding=1)
        self.conv4 = nn.Conv2d(256, 512, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(512 * 2 * 2, 16384)
        self.fc2 = nn.Linear(16384, 16384)
        self.fc3 = nn.Linear(16384, 8192)
        self.fc4 = nn.Linear(8192, 4096)
        self.fc5 = nn.Linear(4096, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.bn1(self.conv1(x))))
        x = self.pool(torch.relu(self.bn2(self.conv2(x))))
        x = self.pool(torch.relu(self.conv3(x)))
        x = self.pool(torch.relu(self.conv4(x)))
        x = torch.flatten(x, 1)
        x = torch.relu(self.fc1(x))
        x = torch.relu(self.fc2(x))
        x = torch.relu(self.fc3(x))
        x = torch.relu(self.fc4(x))
        return self.fc5(x)
EOF

# The checkpoint, tensor by tensor (a 2 GB state_dict never sits in memory at once). Shapes
# come from the module itself, so file and source cannot drift apart. Kept across runs in WORKDIR.
[ -f "$work/big.safetensors" ] || /usr/bin/python3 - "$work" <<'EOF'
import json, os, sys
import numpy as np
import torch
import torch.nn as nn
work = sys.argv[1]
sys.path.insert(0, work)
# Build the model on the meta device (shapes without 2 GB of initialisation).
for cls in (nn.Conv2d, nn.BatchNorm2d, nn.Linear):
    cls.__init__ = (lambda init: lambda self, *a, **k: init(self, *a, **{**k, "device": "meta"}))(cls.__init__)
from big_mlp_cnn import BigNet
model = BigNet()
torch.manual_seed(0)
entries = [(k, v) for k, v in model.state_dict().items()]
header, offset = {}, 0
for name, t in entries:
    dtype = "I64" if t.dtype == torch.int64 else "F32"
    size = t.numel() * (8 if dtype == "I64" else 4)
    header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + size]}
    offset += size
text = json.dumps(header).encode()
text += b" " * (-len(text) % 8)
path = os.path.join(work, "big.safetensors")
with open(path, "wb") as f:
    f.write(len(text).to_bytes(8, "little"))
    f.write(text)
    for name, t in entries:
        if t.dtype == torch.int64:
            np.array([100], dtype=np.int64).reshape(tuple(t.shape)).tofile(f)
        else:
            torch.randn(tuple(t.shape)).numpy().tofile(f)
print(f"{path}: {len(entries)} tensors, {os.path.getsize(path) / 1e9:.2f} GB")
EOF

ckpt="$work/big.safetensors"

peak_kb() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'; }
# Prints the mean wall, user and system seconds of 5 runs.
mean_time() {
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f '%e %U %S' -o "$work/time.txt" "$@" >/dev/null 2>&1
    cat "$work/time.txt"
  done | awk '{w += $1; u += $2; s += $3} END {printf "%f %f %f\n", w / NR, u / NR, s / NR}'
}

# measure LABEL INPUT COMMAND...: COMMAND (a conversion of INPUT) against `cp INPUT`, both run
# once first so that both see a warm page cache; then 5 timed runs of each and one for peak RSS.
measure() {
  local label="$1" input="$2"
  shift 2
  cp "$input" "$work/copy.bin"
  "$@" 2>/dev/null
  local cp_time nnport_time cp_user cp_sys nnport_user nnport_sys
  if command -v hyperfine >/dev/null; then
    hyperfine --runs 5 --export-json "$work/hyperfine.json" \
      "cp $(printf '%q' "$input") $work/copy.bin" "$(printf '%q ' "$@")" >&2
    read -r cp_time cp_user cp_sys nnport_time nnport_user nnport_sys < <(/usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(*(r[i][k] for i in (0, 1) for k in ("mean", "user", "system")))' "$work/hyperfine.json")
  else
    read -r cp_time cp_user cp_sys < <(mean_time cp "$input" "$work/copy.bin")
    read -r nnport_time nnport_user nnport_sys < <(mean_time "$@")
  fi
  local cp_rss nnport_rss
  cp_rss=$(peak_kb cp "$input" "$work/copy.bin")
  nnport_rss=$(peak_kb "$@")
  /usr/bin/python3 - "$label" "$(stat -c %s "$input")" "$cp_time" "$nnport_time" "$cp_rss" \
    "$nnport_rss" "$cp_user" "$cp_sys" "$nnport_user" "$nnport_sys" <<'EOF'
import sys
label, size = sys.argv[1], int(sys.argv[2])
cp, nn, cp_rss, nn_rss, cp_user, cp_sys, nn_user, nn_sys = map(float, sys.argv[3:])
print(f"== {label}")
print(f"input                  {size / 1e9:.2f} GB")
print(f"cp                     {cp:.3f} s  ({size / cp / 1e9:.2f} GB/s)  user {cp_user:.2f} s  "
      f"sys {cp_sys:.2f} s  peak RSS {cp_rss / 1024:.1f} MB")
print(f"nnport convert-weights {nn:.3f} s  ({size / nn / 1e9:.2f} GB/s)  user {nn_user:.2f} s  "
      f"sys {nn_sys:.2f} s  peak RSS {nn_rss / 1024:.1f} MB")
print(f"throughput ratio cp_time / nnport_time = {cp / nn:.2f}  (target >= 0.5)")
print(f"CPU ratio (user+sys) cp / nnport = {(cp_user + cp_sys) / (nn_user + nn_sys):.2f}")
EOF
}

echo "load before: $(uptime)"
measure "PyTorch .safetensors -> Keras .weights.h5" "$ckpt" \
  "$nnport" convert-weights "$ckpt" --model "$work/big_mlp_cnn.py" --input-shape N,3,32,32 \
  --to keras -o "$work/big.weights.h5"

# The other direction: the Keras file just written, for the Keras model nnport generates from the
# same source, back to a torch.save state_dict.
"$nnport" migrate "$work/big_mlp_cnn.py" --to keras --input-shape N,3,32,32 \
  -o "$work/keras_model" >/dev/null
measure "Keras .weights.h5 -> PyTorch .pt" "$work/big.weights.h5" \
  "$nnport" convert-weights "$work/big.weights.h5" --model "$work/keras_model/big_mlp_cnn.py" \
  --to pytorch -o "$work/big_back.pt"

if [ "${NNPORT_BENCH_PT:-0}" = 1 ]; then
  # The same tensors through torch.save (read back from the safetensors file without copying).
  /usr/bin/python3 - "$ckpt" "$work/big.pt" <<'EOF'
import json, sys
import numpy as np, torch
path, out = sys.argv[1], sys.argv[2]
raw = np.memmap(path, dtype=np.uint8, mode="c")
n = int.from_bytes(bytes(raw[:8]), "little")
header = json.loads(bytes(raw[8:8 + n]))
state = {}
for name, e in header.items():
    a, b = e["data_offsets"]
    dtype = np.int64 if e["dtype"] == "I64" else np.float32
    state[name] = torch.from_numpy(raw[8 + n + a:8 + n + b].view(dtype).reshape(e["shape"]))
torch.save(state, out)
EOF
  measure "PyTorch torch.save .pt -> Keras .weights.h5" "$work/big.pt" \
    "$nnport" convert-weights "$work/big.pt" --model "$work/big_mlp_cnn.py" \
    --input-shape N,3,32,32 --to keras -o "$work/big_pt.weights.h5"
fi
echo "load after: $(uptime)"
