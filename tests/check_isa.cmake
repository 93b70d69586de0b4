# Runs TEST with OCLNN_CPU_ISA=ISA, or prints "SKIP: ..." (the test's SKIP_REGULAR_EXPRESSION)
# when this CPU cannot run ISA: `test_isa --has ISA` (HAS) decides. CI thus runs every forced
# instruction-set path the machine has, and skips the others rather than passing them.
execute_process(COMMAND ${HAS} --has ${ISA} RESULT_VARIABLE has)
if(NOT has EQUAL 0)
  message("SKIP: this CPU cannot run the ${ISA} path")
  return()
endif()
set(ENV{OCLNN_CPU_ISA} ${ISA})
execute_process(COMMAND ${TEST} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${TEST} with OCLNN_CPU_ISA=${ISA} failed (${rc})")
endif()
