# ctest script: the tool's usage errors exit 2 and `devices --json` lists the C backend.
foreach(args "bogus" "devices;--frobnicate" "bench;nosuchop" "bench;conv;--iters")
  execute_process(COMMAND ${TOOL} ${args} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT rc EQUAL 2 OR NOT err MATCHES "usage|unknown|needs|expected")
    message(FATAL_ERROR "oclnn ${args}: exit ${rc}, expected 2 with a usage message; stderr: ${err}")
  endif()
endforeach()
execute_process(COMMAND ${TOOL} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "oclnn with no command: exit ${rc}, expected 2")
endif()
execute_process(COMMAND ${TOOL} devices --json RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "oclnn devices --json failed: ${rc}")
endif()
string(JSON n LENGTH "${out}")
math(EXPR last "${n} - 1")
string(JSON backend GET "${out}" ${last} backend)
string(JSON is_default GET "${out}" 0 default)
if(NOT backend STREQUAL "cpu")
  message(FATAL_ERROR "the last device should be the C backend, got ${backend}")
endif()
execute_process(COMMAND ${TOOL} devices RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "C backend")
  message(FATAL_ERROR "oclnn devices failed: ${rc}: ${out}")
endif()
# Every device reports its tuning state; the C backend has none.
execute_process(COMMAND ${TOOL} devices --json RESULT_VARIABLE rc OUTPUT_VARIABLE out)
string(JSON state GET "${out}" ${last} tuning state)
if(NOT state STREQUAL "none")
  message(FATAL_ERROR "the C backend's tuning state should be none, got ${state}")
endif()

# oclnn tune: usage errors exit 2; a tiny real run writes a database that loads; --resume skips a
# candidate a crashed run left in the in-flight file.
foreach(args "tune;--strategy;greedy" "tune;--budget" "tune;--budget;-1" "tune;--net;alexnet"
             "tune;--kernels;conv_fft" "tune;--conv;n1c8" "tune;--conv;n1c8h8w8k8r1s1q3" "tune;--bogus")
  execute_process(COMMAND ${TOOL} ${args} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT rc EQUAL 2 OR NOT err MATCHES "usage|unknown|needs|expected")
    message(FATAL_ERROR "oclnn ${args}: exit ${rc}, expected 2 with a usage message; stderr: ${err}")
  endif()
endforeach()
string(JSON first GET "${out}" 0 backend)
if(first STREQUAL "opencl")
  file(REMOVE_RECURSE "${WORK}")
  set(db "${WORK}/tune.txt")
  # tune --conv takes the problem string bench prints (its layout suffix acts as --layout).
  execute_process(COMMAND ${TOOL} bench conv 1,8,8,8 16,8,1,1 --device 0:0 --iters 1 --warmup 0 --json
                  OUTPUT_VARIABLE bench_out)
  string(JSON printed GET "${bench_out}" 0 problem)
  execute_process(COMMAND ${TOOL} tune --conv ${printed} --device 0:0 --kernels conv_gemm1x1 --budget 3
                  --strategy random --db ${db} --no-layout
                  RESULT_VARIABLE rc OUTPUT_VARIABLE tune_out ERROR_VARIABLE tune_err)
  file(READ "${db}" text)
  if(NOT rc EQUAL 0 OR NOT text MATCHES "\nconv_gemm1x1 n1c8h8w8k16r1s1st1x1pad0,0,0,0dil1x1g1 TM=[0-9]+ VW=[0-9]+ NV=[0-9]+ [0-9.]+\nend\n")
    message(FATAL_ERROR "oclnn tune failed (${rc}): ${tune_err}\n${tune_out}\n${text}")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -E env OCLNN_TUNING_DB=${db} ${TOOL} devices
                  RESULT_VARIABLE rc OUTPUT_VARIABLE dev_out)
  if(NOT dev_out MATCHES "tuned +yes, 1 entries")
    message(FATAL_ERROR "oclnn devices does not see the new database: ${dev_out}")
  endif()
  file(WRITE "${db}.inflight" "conv_gemm1x1 n1c8h8w8k24r1s1st1x1pad0,0,0,0dil1x1g1 TM=8,VW=16,NV=1\n")
  execute_process(COMMAND ${TOOL} tune --conv n1c8h8w8k24r1s1 --device 0:0 --kernels conv_gemm1x1 --budget 3
                  --strategy exhaustive --db ${db} --no-layout --resume
                  RESULT_VARIABLE rc OUTPUT_VARIABLE tune_out ERROR_VARIABLE tune_err)
  file(READ "${db}" text)
  if(NOT rc EQUAL 0 OR NOT tune_err MATCHES "stopped inside .*TM=8,VW=16,NV=1.*skipping"
     OR NOT text MATCHES "n1c8h8w8k16r1s1" OR NOT text MATCHES "n1c8h8w8k24r1s1" OR EXISTS "${db}.inflight")
    message(FATAL_ERROR "oclnn tune --resume (${rc}): ${tune_err}\n${tune_out}\n${text}")
  endif()
  # tune --quick decides NCHW against NHWC last, in the time kept for it: --json names the shapes
  # timed, their share of the untuned time and the layout chosen, which is the database's row.
  set(qdb "${WORK}/quick.txt")
  execute_process(COMMAND ${TOOL} tune --quick --conv n1c8h12w12k16r3s3pad1 --conv n1c16h6w6k8r1s1 --device 0:0
                  --budget 12 --db ${qdb} --json
                  RESULT_VARIABLE rc OUTPUT_VARIABLE q_out ERROR_VARIABLE q_err)
  string(JSON chosen ERROR_VARIABLE jerr GET "${q_out}" layout_step chosen)
  string(JSON shapes ERROR_VARIABLE jerr GET "${q_out}" layout_step shapes)
  string(JSON covered ERROR_VARIABLE jerr GET "${q_out}" layout_step covered)
  set(row "none")
  if(EXISTS "${qdb}")
    file(READ "${qdb}" qtext)
    if(qtext MATCHES "\nlayout resnet50 NHWC=([01]) ")
      set(row "${CMAKE_MATCH_1}")
    endif()
  endif()
  if(chosen STREQUAL "NHWC")
    set(want 1)
  else()
    set(want 0)
  endif()
  if(NOT rc EQUAL 0 OR jerr OR NOT shapes EQUAL 2 OR NOT covered MATCHES "^1(\\.0+)?$" OR NOT row STREQUAL want)
    message(FATAL_ERROR "oclnn tune --quick's layout step (${rc}, ${jerr}, ${chosen}, ${shapes} shapes, "
            "covered ${covered}, row ${row}): ${q_err}\n${q_out}")
  endif()
endif()
