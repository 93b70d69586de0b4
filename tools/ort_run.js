// SPDX-License-Identifier: MIT
// Runs one ONNX model with onnxruntime-node on the CPU for tools/compare_onnx.py:
//   NODE_PATH=<dir with node_modules> node tools/ort_run.js MODEL.onnx X.bin N,C,H,W ITERS THREADS OUT.bin
// X.bin is the raw float32 input; the first output is written raw to OUT.bin. Prints
// {"median_ms": ...} over ITERS timed runs after 2 warm-up runs (intra-op threads as given, one
// inter-op thread, all graph optimizations).
const fs = require("fs");
const ort = require("onnxruntime-node");

async function main() {
  const [model, xPath, shapeText, itersText, threadsText, outPath] = process.argv.slice(2);
  const shape = shapeText.split(",").map(Number);
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ["cpu"],
    intraOpNumThreads: Number(threadsText),
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
  });
  const buf = fs.readFileSync(xPath);
  const data = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
  const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", data, shape) };
  let out;
  for (let i = 0; i < 2; i++) out = await session.run(feeds);
  const t = [];
  for (let i = 0; i < Number(itersText); i++) {
    const t0 = process.hrtime.bigint();
    out = await session.run(feeds);
    t.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  t.sort((a, b) => a - b);
  const y = out[session.outputNames[0]].data;
  fs.writeFileSync(outPath, Buffer.from(y.buffer, y.byteOffset, y.byteLength));
  console.log(JSON.stringify({ median_ms: t.length ? t[Math.floor(t.length / 2)] : 0 }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
