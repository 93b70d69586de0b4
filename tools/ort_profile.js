// SPDX-License-Identifier: MIT
// Per-node times of one ONNX model under onnxruntime-node (CPU), from ORT's own profiler; called
// by tools/compare_layers.py.
//   NODE_PATH=<dir with node_modules> node tools/ort_profile.js MODEL.onnx N,C,H,W ITERS THREADS
// Prints one JSON object: {"total_ms": median run, "nodes": {name: {"op": type, "ms": median,
// "order": first execution index, "out": output shape, "w": weight shape (Conv)}}}
// over ITERS timed runs after 3 warm-up runs (the warm-up runs are profiled too and dropped).
// The input is seeded uniform [-1, 1); intra-op threads as given, one inter-op thread, all graph
// optimizations, so node names are those of ORT's optimized graph (a fused Conv keeps its name).
const ort = require("onnxruntime-node");
const { seededInput } = require("./ort_input");
const fs = require("fs");
const os = require("os");
const path = require("path");

function median(v) {
  const s = v.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  const [model, shapeText, itersText, threadsText] = process.argv.slice(2);
  const shape = shapeText.split(",").map(Number);
  const iters = Number(itersText), threads = Number(threadsText), warmup = 3;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ort_profile-"));
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ["cpu"],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
    enableProfiling: true,
    profileFilePrefix: path.join(dir, "ort"),
  });
  const feeds = { [session.inputNames[0]]: seededInput(shape) };
  const total = [];
  for (let i = 0; i < warmup + iters; i++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    if (i >= warmup) total.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  session.endProfiling();
  await session.release();
  const file = fs.readdirSync(dir).find((f) => f.endsWith(".json"));
  const events = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
  fs.rmSync(dir, { recursive: true, force: true });
  // Runs are delimited by "model_run" events; node events ("cat": "Node", "<name>_kernel_time")
  // fall inside them in time.
  const runs = events.filter((e) => e.cat === "Session" && e.name === "model_run")
                     .sort((a, b) => a.ts - b.ts).slice(warmup);
  events.sort((a, b) => a.ts - b.ts);
  const per = {};
  for (const e of events) {
    if (e.cat !== "Node" || !e.name.endsWith("_kernel_time")) continue;
    if (!runs.some((r) => e.ts >= r.ts && e.ts <= r.ts + r.dur)) continue;
    const name = e.name.slice(0, -"_kernel_time".length);
    if (!per[name]) {
      const a = e.args || {}, ins = a.input_type_shape || [], outs = a.output_type_shape || [];
      const shape = (x) => (x ? Object.values(x)[0] : null);
      per[name] = { op: a.op_name, order: Object.keys(per).length, out: shape(outs[0]),
                    w: ins.length > 1 ? shape(ins[1]) : null, t: [] };
    }
    per[name].t.push(e.dur / 1000);
  }
  const nodes = {};
  for (const [name, v] of Object.entries(per))
    nodes[name] = { op: v.op, ms: median(v.t), order: v.order, out: v.out, w: v.w };
  console.log(JSON.stringify({ total_ms: median(total), nodes }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
