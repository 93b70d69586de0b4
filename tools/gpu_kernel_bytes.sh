#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Global-memory traffic of the GPU-class kernels against the CPU-shaped ones they replace, from
# Oclgrind's instruction counter (OCLGRIND_INST_COUNTS=1): for each case, `oclnn bench` runs one
# launch on Oclgrind in the CPU class (before) and in the GPU class (after), and the bytes of
# every `load global` / `store global` of the case's kernels are summed and divided by the case's
# FLOPs (convolutions, FC) or output elements (the rest). Oclgrind has no caches, so these are the
# bytes the kernels ask of global memory. Prints a Markdown table.
# Usage: tools/gpu_kernel_bytes.sh [path/to/oclnn [REGEX]]   (default build/oclnn, every case)
#   REGEX: only the cases whose name matches (e.g. 'conv3d'); CLASSES="gpu": only those classes.
set -euo pipefail
cd "$(dirname "$0")/.."
tool=${1:-build/oclnn}
only=${2:-}
classes=${CLASSES:-cpu gpu}
rt=$(dpkg -L oclgrind 2>/dev/null | grep -m1 'liboclgrind-rt.so$' || true)
[[ -n "$rt" ]] || { echo "gpu_kernel_bytes: Oclgrind is not installed (apt-get install oclgrind)" >&2; exit 1; }
cache=$(mktemp -d)
trap 'rm -rf "$cache"' EXIT

# name | kernels (regex, no '|') | work | unit | oclnn bench arguments
cases=(
  "conv 3x3 direct (ResNet-50 res2 3x3 at 14x14, 32 ch)|oclnn_conv_direct|$((2*32*32*9*14*14))|FLOP|conv 1,32,14,14 32,32,3,3 --pad 1 --algo direct --layout nchw"
  "conv 3x3 direct, NHWC|oclnn_conv_direct|$((2*32*32*9*14*14))|FLOP|conv 1,32,14,14 32,32,3,3 --pad 1 --algo direct --layout nhwc"
  "conv 3x3 grouped g32 (ResNeXt-50 conv3 at 14x14)|oclnn_conv_direct|$((2*128*4*9*14*14))|FLOP|conv 1,128,14,14 128,4,3,3 --pad 1 --groups 32 --algo direct --layout nchw"
  "conv 7x7/2 direct (ResNet-50 stem at 32x32)|oclnn_conv_direct|$((2*64*3*49*16*16))|FLOP|conv 1,3,32,32 64,3,7,7 --stride 2 --pad 3 --algo direct --layout nchw"
  "conv 3x3 depthwise (32 ch at 14x14)|oclnn_conv_depthwise|$((2*32*9*14*14))|FLOP|conv 1,32,14,14 32,1,3,3 --pad 1 --groups 32 --algo depthwise --layout nchw"
  "im2col 3x3 (32 ch at 14x14)|oclnn_conv_im2col|$((32*9*14*14))|output|conv 1,32,14,14 32,32,3,3 --pad 1 --algo im2col --layout nchw"
  "batch-norm statistics, NHWC (n2 c64 14x14)|oclnn_bn_train|$((2*64*14*14))|input|bn 2,64,14,14 --training --layout nhwc"
  "global average pooling, NHWC (ResNet-50 head, n1 c2048 7x7)|oclnn_pool|2048|output|pool 1,2048,7,7 --global --layout nhwc"
  "softmax (ImageNet classifier, n1 c1000)|oclnn_softmax|1000|output|softmax 1,1000,1,1 --layout nchw"
  "FC 2048 -> 1000, batch 1 (ResNet-50)|oclnn_fc|$((2*2048*1000))|FLOP|fc 1,2048 1000 --bias --layout nchw"
  "NCHW -> NHWC transpose (input staging, n1 c64 14x14)|oclnn_tensor_[ct]|$((64*14*14))|output|conv 1,64,14,14 8,64,1,1 --algo gemm1x1 --layout nhwc"
)
# issue 19: 3-D convolution, r3d_18's layer kinds scaled down (channels / 4, 4x14x14 clips), the
# direct kernel against implicit-gemm (the GEMM engine with the im2col-3d gather), NCDHW.
c3=(
  "stem 3x7x7 s1,2,2 (3 -> 16, 4x28x28)|$((2*16*3*147*4*14*14))|1,3,4,28,28 16,3,3,7,7 --stride 1,2,2 --pad 1,3,3"
  "layer1 3x3x3 (16 -> 16, 4x14x14)|$((2*16*16*27*4*14*14))|1,16,4,14,14 16,16,3,3,3 --pad 1"
  "layer2 3x3x3 s2 (16 -> 32, 4x14x14)|$((2*32*16*27*2*7*7))|1,16,4,14,14 32,16,3,3,3 --stride 2 --pad 1"
  "layer3 3x3x3 (64 -> 64, 2x7x7)|$((2*64*64*27*2*7*7))|1,64,2,7,7 64,64,3,3,3 --pad 1"
  "downsample 1x1x1 s2 (16 -> 32, 4x14x14)|$((2*32*16*2*7*7))|1,16,4,14,14 32,16,1,1,1 --stride 2"
  "r2plus1d 1x3x3 (16 -> 36, 4x14x14)|$((2*36*16*9*4*14*14))|1,16,4,14,14 36,16,1,3,3 --pad 0,1,1"
  "r2plus1d 3x1x1 (36 -> 16, 4x14x14)|$((2*16*36*3*4*14*14))|1,36,4,14,14 16,36,3,1,1 --pad 1,0,0"
)
for c in "${c3[@]}"; do
  IFS='|' read -r name work args <<<"$c"
  cases+=("conv3d $name direct|oclnn_conv3d_direct|$work|FLOP|conv3d $args --algo direct --layout nchw"
          "conv3d $name implicit-gemm|oclnn_xgemm|$work|FLOP|conv3d $args --algo implicit-gemm --layout nchw")
done

bytes() { # class, regex, bench args...: prints "loads stores" summed over the matching kernels
  local class=$1 re=$2; shift 2
  OCLNN_OPENCL_LIBRARY=$rt OCLGRIND_INST_COUNTS=1 OCLNN_DEVICE_CLASS=$class OCLNN_CLBLAST=0 \
    OCLNN_CACHE_DIR=$cache OCLNN_TUNING_DB=none "$tool" bench "$@" --device 0:0 --iters 1 --warmup 0 2>&1 |
    awk -v re="$re" '
      /^Instructions executed for kernel/ { k = $0; sub(/.*kernel \047/, "", k); sub(/\047.*/, "", k);
                                            on = (k ~ re); if (on && !seen[k]++) names = names (names ? "+" : "") k; next }
      on && /load global \(/  { s = $0; sub(/.*\(/, "", s); ld += s + 0 }
      on && /store global \(/ { s = $0; sub(/.*\(/, "", s); st += s + 0 }
      # vloadN/vstoreN on global memory (address space 1) are calls, not loads, in the counts
      on && /call _Z[0-9]+vload[0-9]+m.*AS1/  { w = $0; sub(/.*vload/, "", w); ld += $1 * 4 * (w + 0) }
      on && /call _Z[0-9]+vstore[0-9]+.*AS1/  { w = $0; sub(/.*vstore/, "", w); st += $1 * 4 * (w + 0) }
      END { printf "%d %d %s\n", ld, st, names }'
}

echo "| case | class | kernel | global loads (B) | stores (B) | bytes per unit |"
echo "|---|---|---|---:|---:|---:|"
for c in "${cases[@]}"; do
  IFS='|' read -r name re work unit args <<<"$c"
  [[ -z "$only" || "$name" =~ $only ]] || continue
  for class in $classes; do
    read -r ld st names < <(bytes "$class" "$re" $args)
    per=$(awk -v l="$ld" -v s="$st" -v w="$work" 'BEGIN { printf "%.3f", (l + s) / w }')
    echo "| $name | $class | $names | $ld | $st | $per B/$unit |"
  done
done
