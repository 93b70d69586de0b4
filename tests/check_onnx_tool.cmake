# ctest script: the tool on an ONNX model (C backend). `oclnn run` writes the (2, 5) output as .npy
# and prints the top classes; `bench net MODEL.onnx --verify --json` passes against the reference
# executor; a refused model names its op and exits 1; usage errors exit 2. Issue 19: 1-D and 3-D models.
set(model ${DATA}/onnx_small.onnx)
execute_process(COMMAND ${TOOL} run ${model} --input ${DATA}/onnx_small_x.npy --output ${WORK}/onnx_y.npy
                --top5 --device cpu RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "image 1: [0-9]")
  message(FATAL_ERROR "oclnn run failed (${rc}): ${err}${out}")
endif()
# 10 floats after a 128-byte header.
file(SIZE ${WORK}/onnx_y.npy size)
if(NOT size EQUAL 168)
  message(FATAL_ERROR "oclnn run --output wrote ${size} bytes, want 168")
endif()
# issue 16: a model that fixes its batch at 1 runs a batch of 2 (compiled at 1, then reshaped).
execute_process(COMMAND ${TOOL} run ${DATA}/onnx_batch1.onnx --input ${DATA}/onnx_small_x.npy --output
                ${WORK}/onnx_y1.npy --top5 --device cpu RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(SIZE ${WORK}/onnx_y1.npy size)
if(NOT rc EQUAL 0 OR NOT out MATCHES "image 1: [0-9]" OR NOT size EQUAL 168)
  message(FATAL_ERROR "oclnn run on a batch-1 model with a batch of 2 failed (${rc}): ${err}${out}")
endif()
execute_process(COMMAND ${TOOL} bench net ${model} --batch 2 --device cpu --iters 1 --warmup 0 --verify --json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "oclnn bench net MODEL.onnx --verify failed (${rc}): ${err}${out}")
endif()
string(JSON ok GET "${out}" ok)
string(JSON layers LENGTH "${out}" layers)
if(NOT ok OR layers LESS 5)
  message(FATAL_ERROR "unexpected JSON: ok=${ok} layers=${layers}")
endif()
execute_process(COMMAND ${TOOL} run ${DATA}/onnx_refused_op.onnx --input ${DATA}/onnx_small_x.npy --top5
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT err MATCHES "Erf")
  message(FATAL_ERROR "a refused model: want exit 1 naming Erf, got ${rc}: ${err}")
endif()
foreach(bad "run" "run;${model}" "run;${model};--input;x.npy" "run;${model};--labels;l.txt;--input;x.npy;--output;y.npy")
  execute_process(COMMAND ${TOOL} ${bad} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 2)
    message(FATAL_ERROR "`oclnn ${bad}` exited ${rc}, want 2")
  endif()
endforeach()
# issue 19: a 3-D model takes an (N, C, D, H, W) array and a 1-D one (N, C, L), in `run` and in
# `bench net --input --verify`; an array of another depth is refused.
foreach(m vid3d text1d)
  execute_process(COMMAND ${TOOL} run ${DATA}/onnx_${m}.onnx --input ${DATA}/onnx_${m}_x.npy --output ${WORK}/onnx_${m}_y.npy
                  --device cpu RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  file(SIZE ${WORK}/onnx_${m}_y.npy size)
  if(NOT rc EQUAL 0 OR NOT size EQUAL 168)
    message(FATAL_ERROR "oclnn run onnx_${m}.onnx failed (${rc}, ${size} bytes): ${err}${out}")
  endif()
  execute_process(COMMAND ${TOOL} bench net ${DATA}/onnx_${m}.onnx --input ${DATA}/onnx_${m}_x.npy --device cpu --iters 1
                  --warmup 0 --verify RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "verify .*: ok")
    message(FATAL_ERROR "oclnn bench net onnx_${m}.onnx --verify failed (${rc}): ${err}${out}")
  endif()
endforeach()
execute_process(COMMAND ${TOOL} run ${DATA}/onnx_vid3d.onnx --input ${DATA}/onnx_small_x.npy --top5 --device cpu
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT err MATCHES "\\(N, 3, 4, 8, 8\\)")
  message(FATAL_ERROR "a 4-D array for a 3-D model: want exit 1 naming (N, 3, 4, 8, 8), got ${rc}: ${err}")
endif()
