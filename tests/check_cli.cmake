# ctest script: the oclnn tool's one CLI behaviour (issue 11). For every command and every bench
# op: --help exits 0 on stdout and lists the arguments; an unknown flag exits 2 naming it; a bad
# value exits 2 naming the flag and the value. Then: implied groups are refused, --pad H,W works
# on conv, --verify judges by the algorithm that ran (the heuristic's, find's or a tuning
# database's Winograd F(4x4)), and the build-tree tool has no empty RUNPATH entry.
# Run with -DTOOL=<oclnn> -DWORK=<scratch folder>.

function(run expect_rc)
  execute_process(COMMAND ${TOOL} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL expect_rc)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "oclnn ${cmd}: exit ${rc}, expected ${expect_rc}\nstdout: ${out}\nstderr: ${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

function(expect text regex what)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "${what}: expected /${regex}/ in:\n${text}")
  endif()
endfunction()

# command | what --help must list | a bad option and value ("-": none) | how the error quotes it
set(cases
  "devices|--json.*--warm-up.*--device|--device=|--device \"\""
  "bench|add.*conv.*net.*--iters|-|-"
  "tune|--conv PROBLEM.*--budget.*--strategy.*--kernels|--budget -1|--budget \"-1\""
  "bench add|N,C,H,W.*--relu.*--iters|--iters 0|--iters \"0\""
  "bench bn|N,C,H,W.*--training.*--eps.*--momentum|--eps x|--eps \"x\""
  "bench concat|N,C1,H,W N,C2,H,W.*--warmup|--warmup -1|--warmup \"-1\""
  "bench conv|N,C,H,W K,C/G,R,S.*--stride.*--pad.*--groups.*--algo.*--find.*--save|--stride 0|--stride \"0\""
  "bench conv1d|N,C,L K,C/G,KW.*--stride.*--pad.*--dilation.*--groups.*--algo|--pad 1,2,3|--pad \"1,2,3\""
  "bench conv3d|N,C,D,H,W K,C/G,T,R,S.*--stride.*--pad.*--dilation.*--groups.*--algo|--algo winograd4|--algo \"winograd4\""
  "bench fc|N,IN OUT.*--bias|--layout diagonal|--layout \"diagonal\""
  "bench lrn|N,C,H,W.*--size.*--alpha.*--beta.*--k|--size 0|--size \"0\""
  "bench net|NAME.*resnet50.*--batch.*--size.*--weights.*--input.*--output.*--find.*--save|--batch 0|--batch \"0\""
  "bench nms|--boxes.*--iou.*--classes.*--objects|--iou 2|--iou \"2\""
  "bench pool|N,C,H,W.*--max.*--avg.*--global.*--window.*--stride.*--pad|--window x|--window \"x\""
  "bench roi_align|--map.*--rois.*--out.*--scale.*--sampling.*--aligned|--sampling x|--sampling \"x\""
  "bench roi_pool|--map.*--rois.*--out.*--scale|--rois 0|--rois \"0\""
  "bench softmax|N,C,H,W.*--device|--iters many|--iters \"many\""
)
foreach(case IN LISTS cases)
  string(REPLACE "|" ";" fields "${case}")
  list(GET fields 0 cmd)
  list(GET fields 1 listed)
  list(GET fields 2 bad)
  list(GET fields 3 quoted)
  set(name "${cmd}")
  separate_arguments(cmd UNIX_COMMAND "${cmd}")
  run(0 ${cmd} --help)
  string(REPLACE "\n" " " flat "${out}")
  expect("${flat}" "usage: oclnn ${name}.*${listed}.*--help" "oclnn ${name} --help")
  run(2 ${cmd} --no-such-flag)
  expect("${err}" "unknown option \"--no-such-flag\"" "oclnn ${name} --no-such-flag")
  if(NOT bad STREQUAL "-")
    separate_arguments(bad_args UNIX_COMMAND "${bad}")
    run(2 ${cmd} ${bad_args})
    expect("${err}" "${quoted}" "oclnn ${name} ${bad}")
  endif()
endforeach()
run(0 --help)
expect("${out}" "bench.*devices.*tune" "oclnn --help")
run(2 --no-such-flag)
run(2 bench --no-such-flag)
expect("${err}" "unknown option \"--no-such-flag\"" "oclnn bench --no-such-flag")
run(2 bench conv --iters)
expect("${err}" "--iters needs a value" "oclnn bench conv --iters")
run(2 bench conv --json=yes)
expect("${err}" "--json takes no value" "oclnn bench conv --json=yes")
run(2 bench net resnet50 --batch 0)
expect("${err}" "--batch \"0\"" "the message names the flag, not only the value")

# Weights with C/G != C are a grouped convolution: refused unless --groups says so.
set(fast --device cpu --iters 1 --warmup 0)
run(2 bench conv 1,64,8,8 64,32,3,3 ${fast})
expect("${err}" "--groups 2" "implied groups")
run(2 bench conv 1,64,8,8 64,32,3,3 --groups 4 ${fast})
expect("${err}" "--groups 4" "--groups that does not fit")
run(0 bench conv 1,64,8,8 64,32,3,3 --groups 2 --verify ${fast} --json)
string(JSON problem GET "${out}" 0 problem)
expect("${problem}" "g2" "grouped problem string")

# 1-D and 3-D convolution (issue 19): conv1d is conv on (N,C,1,L); conv3d's algorithms verify.
run(0 bench conv1d 2,6,23 8,3,4 --groups 2 --stride 2 --pad 1,2 --verify ${fast} --json)
string(JSON problem GET "${out}" 0 problem)
expect("${problem}" "^n2c6h1w23k8r1s4st1x2pad0,0,1,2dil1x1g2_n" "conv1d's 2-D problem")
run(2 bench conv1d 2,6,23,1 8,6,3 ${fast})
expect("${err}" "expected N,C,L" "conv1d's input shape")
run(0 bench conv3d 1,4,5,7,6 6,2,3,1,3 --groups 2 --stride 1,2,1 --pad 1,0,1 --bias --relu --algo all --verify ${fast} --json)
string(JSON n LENGTH "${out}")
string(JSON second GET "${out}" 1 algo)
if(NOT n EQUAL 2 OR NOT second STREQUAL "im2col")
  message(FATAL_ERROR "bench conv3d --algo all on the C backend: expected direct and im2col in\n${out}")
endif()
run(0 bench net r3d_18 --frames 2 --size 16 --verify ${fast} --json)
string(JSON ok GET "${out}" 0 ok)
expect("${ok}" "ON|true" "bench net r3d_18 --verify")

# --pad H,W (top = bottom = H, left = right = W) and T,B,L,R, as pool takes PH,PW.
run(0 bench conv 1,4,9,7 4,4,3,3 --pad 2,1 --verify ${fast} --json)
string(JSON problem GET "${out}" 0 problem)
expect("${problem}" "h9w7.*pad2,2,1,1" "--pad 2,1")
run(0 bench conv 1,4,9,7 4,4,3,3 --pad 0,1,2,3 ${fast} --json)
string(JSON problem GET "${out}" 0 problem)
expect("${problem}" "pad0,1,2,3" "--pad 0,1,2,3")
run(0 bench pool 1,4,9,7 --max --window 3 --pad 1,0 ${fast})

# bench conv takes the problem string it prints (layout suffix included) and prints it back.
run(0 bench conv 1,6,9,7 6,3,3,3 --groups 2 --stride 2,1 --pad 0,1,2,3 --dilation 1,2 ${fast} --json)
string(JSON printed GET "${out}" 0 problem)
run(0 bench conv ${printed} --verify ${fast} --json)
string(JSON reprinted GET "${out}" 0 problem)
if(NOT printed STREQUAL reprinted OR NOT printed MATCHES "^n1c6h9w7k6r3s3st2x1pad0,1,2,3dil1x2g2_n(chw|hwc)$")
  message(FATAL_ERROR "bench conv PROBLEM: printed ${printed}, then ${reprinted}")
endif()
run(0 bench conv n1c8h8w8k8r3s3pad1 ${fast} --json)
string(JSON printed GET "${out}" 0 problem)
expect("${printed}" "^n1c8h8w8k8r3s3st1x1pad1,1,1,1dil1x1g1_n" "the short form")
run(2 bench conv n1c8h8w8k8r3s3pad1 --pad 1 ${fast})
expect("${err}" "gives the shape" "PROBLEM with --pad")
run(2 bench conv n1c8h8w8k8r3s3q1 ${fast})
expect("${err}" "q1" "a bad PROBLEM")

# --verify judges by the algorithm that ran. AUTO picks Winograd F(4x4) for this problem (the
# heuristic, on both backends), whose error is above the plain limit and within its own.
set(wino 1,48,28,28 48,48,3,3 --pad 1 --verify --iters 1 --warmup 0 --json)
run(2 bench conv ${wino} --device cpu --save)
expect("${err}" "--save needs --find" "bench conv --save without --find")
run(2 bench net resnet50 --save)
expect("${err}" "--save needs --find" "bench net --save without --find")
run(0 bench conv ${wino} --device cpu)
string(JSON algo GET "${out}" 0 algo)
expect("${algo}" "^winograd4$" "the heuristic's algorithm on the C backend")

# issue 19: --algo takes a list, run in its order, each judged by its own tolerance (winograd6's
# 1e-2); an unknown or repeated name is a usage error naming the flag.
run(0 bench conv ${wino} --device cpu --algo winograd4,winograd6)
string(JSON algo0 GET "${out}" 0 algo)
string(JSON algo1 GET "${out}" 1 algo)
expect("${algo0} ${algo1}" "^winograd4 winograd6$" "bench conv --algo winograd4,winograd6")
run(2 bench conv ${wino} --device cpu --algo winograd4,winograd5)
expect("${err}" "--algo \"winograd4,winograd5\"" "a bad --algo list")
run(2 bench conv ${wino} --device cpu --algo winograd6,winograd6)
expect("${err}" "--algo" "a repeated --algo")

execute_process(COMMAND ${TOOL} devices --json OUTPUT_VARIABLE devices)
string(JSON backend GET "${devices}" 0 backend)
if(backend STREQUAL "opencl")
  set(ENV{OCLNN_TUNING_DB} none)
  run(0 bench conv ${wino} --device 0:0)
  string(JSON algo GET "${out}" 0 algo)
  expect("${algo}" "^winograd4$" "the heuristic's algorithm on OpenCL")
  # find: whatever it picks, --verify uses that algorithm's tolerance.
  file(REMOVE_RECURSE "${WORK}")
  file(MAKE_DIRECTORY "${WORK}")
  set(ENV{OCLNN_TUNING_DB} "${WORK}/find.txt")
  run(0 bench conv ${wino} --device 0:0 --find --save)
  # --save wrote find's result to the database; a plain run then reads it.
  file(READ "${WORK}/find.txt" saved)
  expect("${saved}" "\nconv_algo n1c48h28w28k48r3s3[^ ]* ALGO=[0-9]+ [0-9.]+\nend\n" "bench conv --find --save")
  # A tuning database that makes Winograd F(4x4) the fastest where the heuristic takes F(2x2).
  set(ENV{OCLNN_TUNING_DB} none)
  run(0 bench conv 1,48,8,8 48,48,3,3 --pad 1 --device 0:0 --iters 1 --warmup 0 --json)
  string(JSON algo GET "${out}" 0 algo)
  string(JSON problem GET "${out}" 0 problem)
  expect("${algo}" "^winograd2$" "the heuristic for 8x8")
  string(REGEX REPLACE "_n(chw|hwc)$" "" problem "${problem}") # database keys carry no layout
  string(JSON name GET "${devices}" 0 name)
  string(JSON vendor GET "${devices}" 0 vendor)
  string(JSON driver GET "${devices}" 0 driver_version)
  file(WRITE "${WORK}/tuned.txt"
    "oclnn-tuning 1\ndevice: ${name}\nvendor: ${vendor}\ndriver: ${driver}\nkernels: 1\n"
    "conv_winograd2 ${problem} TM=2 VW=16 NV=1 CB=4 10.0\n"
    "conv_winograd4 ${problem} TM=2 VW=16 NV=1 CB=1 1.0\nend\n")
  set(ENV{OCLNN_TUNING_DB} "${WORK}/tuned.txt")
  run(0 bench conv 1,48,8,8 48,48,3,3 --pad 1 --device 0:0 --verify --iters 1 --warmup 0 --json)
  string(JSON algo GET "${out}" 0 algo)
  expect("${algo}" "^winograd4$" "the tuning database's algorithm")
  unset(ENV{OCLNN_TUNING_DB})
endif()

# The build-tree tool needs no RUNPATH; an empty entry would make the loader search the
# current directory.
find_program(READELF readelf)
if(READELF)
  execute_process(COMMAND ${READELF} -d ${TOOL} OUTPUT_VARIABLE dyn)
  if(dyn MATCHES "R(UN)?PATH[^\n]*\\[([^]\n]*)\\]")
    set(path "${CMAKE_MATCH_2}")
    if(path STREQUAL "" OR path MATCHES "^:|::|:$")
      message(FATAL_ERROR "the tool's RUNPATH has an empty entry: [${path}]")
    endif()
  endif()
endif()
