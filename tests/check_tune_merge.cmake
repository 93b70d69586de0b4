# ctest script (issue 14): `oclnn tune --merge A B ... --out C`. The faster row per (family,
# problem) is kept; files of another kernel version or another device, and corrupt files, are
# refused with their reason; rows outside their space are refused and counted; --class writes a
# class database; --json is valid JSON; usage errors exit 2. No device is needed.
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

function(db file device kernels rows)
  file(WRITE "${WORK}/${file}" "oclnn-tuning 1\ndevice: ${device}\nvendor: V\ndriver: 1\nkernels: ${kernels}\n${rows}end\n")
endfunction()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(P3 "n1c64h56w56k64r3s3st1x1pad1,1,1,1dil1x1g1")
set(P1 "n1c64h56w56k256r1s1st1x1pad0,0,0,0dil1x1g1")
db(a.txt "Dev X" 1 "conv_direct ${P3} KB=4 QB=8 2.0\nconv_gemm1x1 ${P1} TM=8 VW=16 NV=1 1.0\n")
db(b.txt "Dev X" 1 "conv_direct ${P3} KB=16 QB=8 1.5\nconv_gemm1x1 ${P1} TM=2 VW=16 NV=1 1.2\nconv_direct ${P1} KB=99 QB=1 0.1\nconv_im2col ${P3} TM=12 VW=16 NV=1 3.0\n")
db(old.txt "Dev X" 999 "conv_direct ${P3} KB=1 QB=1 0.01\n")
db(other.txt "Dev Y" 1 "conv_direct ${P3} KB=2 QB=2 0.01\n")
file(WRITE "${WORK}/bad.txt" "not a database\n")

run(0 tune --merge "${WORK}/a.txt" "${WORK}/b.txt" "${WORK}/old.txt" "${WORK}/other.txt" "${WORK}/bad.txt"
    "${WORK}/missing.txt" --out "${WORK}/merged.txt" --json)
file(READ "${WORK}/merged.txt" merged)
expect("${merged}" "device: Dev X\n" "the first file's device")
expect("${merged}" "conv_direct ${P3} KB=16 QB=8 1.5000" "the faster conv_direct row (b)")
expect("${merged}" "conv_gemm1x1 ${P1} TM=8 VW=16 NV=1 1.0000" "the faster conv_gemm1x1 row (a)")
expect("${merged}" "conv_im2col ${P3} TM=12" "a row only b has")
if(merged MATCHES "KB=99|KB=1 QB=1|KB=2 QB=2")
  message(FATAL_ERROR "a refused row was merged:\n${merged}")
endif()
expect("${err}" "old.txt refused: tuned for kernel version 999" "another kernel version")
expect("${err}" "other.txt refused: tuned for \"Dev Y\"" "another device")
expect("${err}" "bad.txt refused: " "a corrupt file")
expect("${err}" "missing.txt refused: no such file" "a missing file")
expect("${err}" "b.txt: 1 row\\(s\\) refused" "a row outside its space")
expect("${out}" "\"rows\": 3, \"files_refused\": 4" "the JSON summary")
find_program(PYTHON3 python3)
if(PYTHON3)
  file(WRITE "${WORK}/merge.json" "${out}")
  execute_process(COMMAND ${PYTHON3} -c "import json; json.load(open('${WORK}/merge.json'))" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "--json is not valid JSON:\n${out}")
  endif()
endif()

# A class database: any device's rows, relabelled.
run(0 tune --merge "${WORK}/a.txt" "${WORK}/other.txt" --class cpu-avx512 --out "${WORK}/class.txt")
file(READ "${WORK}/class.txt" cls)
expect("${cls}" "device: class cpu-avx512\nvendor: \\*\ndriver: \\*\n" "the class header")
expect("${cls}" "KB=2 QB=2" "with --class another device's rows are taken")

# Usage errors.
run(2 tune --merge "${WORK}/a.txt")
expect("${err}" "--merge needs --out" "--merge without --out")
run(2 tune --merge --out "${WORK}/x.txt")
run(2 tune "${WORK}/a.txt")
run(2 tune --out "${WORK}/x.txt")
run(2 tune --merge "${WORK}/a.txt" --out "${WORK}/x.txt" --class gpu-nonsense)
run(2 tune --quick --check)
# Nothing usable: nothing written, exit 1.
run(1 tune --merge "${WORK}/bad.txt" --out "${WORK}/none.txt")
if(EXISTS "${WORK}/none.txt")
  message(FATAL_ERROR "a merge of nothing wrote a file")
endif()
