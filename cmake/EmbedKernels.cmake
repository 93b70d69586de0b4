# Embeds every file under cl/ in the library: one generated .c per file (editing one kernel
# rebuilds one object) and a sorted registry table {path, data, size} from registry.c.in.
function(oclnn_embed_kernels target cl_dir registry_in)
  file(GLOB_RECURSE files RELATIVE "${cl_dir}" CONFIGURE_DEPENDS "${cl_dir}/*.cl" "${cl_dir}/*.h")
  list(SORT files)
  set(decls "")
  set(rows "")
  set(outputs "")
  foreach(rel IN LISTS files)
    string(MAKE_C_IDENTIFIER "oclnn__cl_${rel}" sym)
    set(out "${CMAKE_CURRENT_BINARY_DIR}/gen/cl/${sym}.c")
    add_custom_command(
      OUTPUT "${out}"
      COMMAND ${CMAKE_COMMAND} -DIN=${cl_dir}/${rel} -DOUT=${out} -DSYM=${sym}
              -P ${PROJECT_SOURCE_DIR}/cmake/embed_file.cmake
      DEPENDS "${cl_dir}/${rel}" "${PROJECT_SOURCE_DIR}/cmake/embed_file.cmake"
      COMMENT "Embedding cl/${rel}"
      VERBATIM)
    list(APPEND outputs "${out}")
    string(APPEND decls "extern const unsigned char ${sym}[];\nextern const size_t ${sym}_size;\n")
    string(APPEND rows "    {\"${rel}\", ${sym}},\n")
  endforeach()
  set(OCLNN_REGISTRY_DECLS "${decls}")
  set(OCLNN_REGISTRY_ROWS "${rows}")
  configure_file("${registry_in}" "${CMAKE_CURRENT_BINARY_DIR}/gen/registry.c" @ONLY)
  target_sources(${target} PRIVATE ${outputs} "${CMAKE_CURRENT_BINARY_DIR}/gen/registry.c")
endfunction()
