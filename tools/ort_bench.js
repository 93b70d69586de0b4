// SPDX-License-Identifier: MIT
// Times one ONNX model with onnxruntime-node on the CPU; called by tools/compare_net.py.
//   NODE_PATH=<dir with node_modules> node tools/ort_bench.js MODEL.onnx N,C,H,W ITERS THREADS
// Prints {"median_ms": ..., "min_ms": ...} after 3 warm-up runs. The input is seeded uniform
// [-1, 1); intra-op threads as given, one inter-op thread, all graph optimizations.
const ort = require("onnxruntime-node");
const { seededInput } = require("./ort_input");

async function main() {
  const [model, shapeText, itersText, threadsText] = process.argv.slice(2);
  const shape = shapeText.split(",").map(Number);
  const iters = Number(itersText), threads = Number(threadsText);
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ["cpu"],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
  });
  const feeds = { [session.inputNames[0]]: seededInput(shape) };
  for (let i = 0; i < 3; i++) await session.run(feeds);
  const t = [];
  for (let i = 0; i < iters; i++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    t.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  t.sort((a, b) => a - b);
  console.log(JSON.stringify({ median_ms: t[Math.floor(t.length / 2)], min_ms: t[0] }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
