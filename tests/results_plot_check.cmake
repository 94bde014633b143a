# `herd plot` exit codes and messages: a missing file and a non-results file
# are bad input (exit 2) and are named; no argument is bad usage; --help works.
execute_process(COMMAND ${HERD} plot ${WORK}/no-such-results.db
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "herd plot on a missing file exited ${rc}, expected 2:\n${out}${err}")
endif()
if(NOT err MATCHES "no-such-results.db" OR NOT err MATCHES "no such file")
  message(FATAL_ERROR "herd plot on a missing file must name it and say why:\n${err}")
endif()

file(MAKE_DIRECTORY ${WORK})
file(WRITE ${WORK}/notes.txt "not a database, just text\n")
execute_process(COMMAND ${HERD} plot ${WORK}/notes.txt --out ${WORK}/plots
  RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
if(NOT rc EQUAL 2 OR NOT err MATCHES "notes.txt" OR NOT err MATCHES "not a database")
  message(FATAL_ERROR "herd plot on a text file: exit ${rc}, stderr:\n${err}")
endif()
file(READ ${WORK}/notes.txt content)
if(NOT content STREQUAL "not a database, just text\n")
  message(FATAL_ERROR "herd plot modified the file it was given")
endif()

execute_process(COMMAND ${HERD} plot RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
if(NOT rc EQUAL 2 OR NOT err MATCHES "missing results file")
  message(FATAL_ERROR "herd plot without DB: exit ${rc}, stderr:\n${err}")
endif()
execute_process(COMMAND ${HERD} plot --bogus x.db RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "herd plot with an unknown option exited ${rc}, expected 2")
endif()

execute_process(COMMAND ${HERD} plot --help RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "Exit codes" OR NOT out MATCHES "convergence_cdf.png")
  message(FATAL_ERROR "herd plot --help: exit ${rc}:\n${out}")
endif()
file(REMOVE_RECURSE ${WORK})
