// SPDX-License-Identifier: MIT
// The input tools/ort_bench.js and tools/ort_profile.js feed onnxruntime: seeded uniform [-1, 1)
// (an LCG), one definition so that the timing and the profiling scripts run the same data.
const ort = require("onnxruntime-node");

function seededInput(shape) {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = (s / 4294967296) * 2 - 1;
  }
  return new ort.Tensor("float32", data, shape);
}

module.exports = { seededInput };
