# Helpers shared by the CLI checks run as `cmake -P`. The including script
# sets SUBCOMMAND (e.g. "sim") before including this file.
#   run(<expected exit code> <args>...)  runs `herd SUBCOMMAND args`, fails on
#                                         another exit code, leaves out/err set
#   expect(<text> <haystack>)            fails unless haystack contains text
function(run expect_code)
  execute_process(COMMAND ${HERD} ${SUBCOMMAND} ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err
                  TIMEOUT 120)
  if(NOT code EQUAL expect_code)
    message(FATAL_ERROR "herd ${SUBCOMMAND} ${ARGN}: exit ${code}, expected ${expect_code}\nstdout:\n${out}\nstderr:\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

function(expect text haystack)
  string(FIND "${haystack}" "${text}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "expected to find '${text}' in:\n${haystack}")
  endif()
endfunction()
