# ctest script: the C example and its Python twin, on the same image, weights and device, must
# rank the same five classes (their preprocessing is the same algorithm; the probabilities may
# differ in the last digit, Python resizing in float64). Without NumPy the Python side reports
# 77 and the comparison is reported as not done.
execute_process(COMMAND ${CLASSIFY} ${ARGS} OUTPUT_VARIABLE c_out RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "classify failed (${rc})")
endif()
execute_process(COMMAND ${PYTHON} ${RUNNER} --script ${SCRIPT} ${ARGS} OUTPUT_VARIABLE py_out
                RESULT_VARIABLE rc)
if(rc EQUAL 77)
  message("NumPy missing: the Python example was not compared")
  return()
elseif(rc)
  message(FATAL_ERROR "classify.py failed (${rc})")
endif()
string(REGEX MATCHALL "class +[0-9]+" c_classes "${c_out}")
string(REGEX MATCHALL "class +[0-9]+" py_classes "${py_out}")
list(LENGTH c_classes n)
if(NOT n EQUAL 5 OR NOT c_classes STREQUAL py_classes)
  message(FATAL_ERROR "the top 5 differ:\nC:\n${c_out}\nPython:\n${py_out}")
endif()
message("both rank: ${c_classes}")
