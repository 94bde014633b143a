# A golden-run regression check: `herd sim SCENARIO [--seed SEED] --golden
# GOLDEN` must find every run equal to its golden run (tests/golden/, listed
# in tests/golden/scenarios.txt; refresh on purpose with
# scripts/refresh_golden.sh). Run by CTest with -DHERD=<herd> -DSRC=<source
# dir> -DSCENARIO=<path from SRC> -DSEED=<seed or empty> -DGOLDEN=<file>.

set(seed_args)
if(NOT "${SEED}" STREQUAL "")
  set(seed_args --seed ${SEED})
endif()
execute_process(COMMAND ${HERD} sim ${SRC}/${SCENARIO} ${seed_args} --golden ${GOLDEN} --quiet
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 300)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "herd sim ${SCENARIO} ${seed_args} --golden ${GOLDEN}: exit ${code} (1: results changed; "
                      "if on purpose, run scripts/refresh_golden.sh and commit the files)\n${out}${err}")
endif()
string(REGEX MATCHALL "\ngolden: run [0-9]+ \\(seed [0-9]+\\): equal to run [0-9]+ of " equal "${out}")
string(REGEX MATCHALL "\ngolden: " verdicts "${out}")
list(LENGTH equal n_equal)
list(LENGTH verdicts n_verdicts)
if(n_equal EQUAL 0 OR NOT n_equal EQUAL n_verdicts)
  message(FATAL_ERROR "expected every run equal to its golden run:\n${out}${err}")
endif()
