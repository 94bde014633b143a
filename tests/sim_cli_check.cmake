# `herd sim` end to end: --help, --check, exit codes, a real run that writes
# a results file. Run by CTest with -DHERD=<herd> -DSRC=<source dir> -DWORK=<scratch dir>.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

set(SUBCOMMAND sim)
include(${CMAKE_CURRENT_LIST_DIR}/cli_check_helpers.cmake)

run(0 --help)
expect("usage: herd sim SCENARIO" "${out}")
expect("exit codes" "${out}")

run(0 ${SRC}/scenarios/lossy_links.json --check)
expect("ok: scenario 'lossy-links', 5 sweep point(s), 5 run(s)" "${out}")

file(WRITE ${WORK}/bad.json "{\"name\": \"b\", \"duration\": \"1s\", \"topology\": {\"preset\": \"hill\"}, \"faults\": [{\"at\": \"2s\", \"kind\": \"crash\", \"node\": \"Hill\"}]}")
run(2 ${WORK}/bad.json --check)
expect("bad.json: faults[0].at: is after the scenario's duration" "${err}")
run(2 ${WORK}/missing.json)
expect("missing.json: (top level): cannot open the file: No such file or directory" "${err}")
# Issue 9: a number beyond a double aborted `herd sim --check` (SIGABRT).
file(WRITE ${WORK}/huge.json "{\"name\":\"x\",\"duration\":1e400,\"topology\":{\"preset\":\"hill\"}}")
run(2 ${WORK}/huge.json --check)
expect("huge.json: duration: the number 1e400 is too large" "${err}")
file(WRITE ${WORK}/cut.json "{\"name\": \"x\",\n  \"duration\": \"1s\",\n")
run(2 ${WORK}/cut.json --check)
expect("cut.json: (top level): not valid JSON at line 3, column 1: unexpected end of input" "${err}")
run(2 ${WORK} --check)
expect("cannot open the file: Is a directory" "${err}")
run(2)
expect("no scenario file given" "${err}")
# Issue 12: --seed takes plain whole numbers only (program_options read -1 as 2^64-1).
run(2 ${SRC}/scenarios/hill.json --seed -1)
expect("--seed '-1': expected a whole number from 0 to 18446744073709551615" "${err}")
run(2 ${SRC}/scenarios/hill.json --seed x3)
expect("--seed 'x3': expected a whole number" "${err}")
run(2 ${SRC}/scenarios/hill.json --seed 18446744073709551616)
expect("expected a whole number" "${err}")
run(2 ${SRC}/scenarios/hill.json --plot ${WORK}/plots)
expect("give --out" "${err}")

run(0 ${SRC}/scenarios/hill.json --seed 3 --out ${WORK}/hill.sqlite --quiet)
expect("scenario 'hill'" "${out}")
expect("p50" "${out}")
if(NOT EXISTS ${WORK}/hill.sqlite)
  message(FATAL_ERROR "herd sim --out did not write ${WORK}/hill.sqlite")
endif()
# A directory where the results file should be: the write fails with exit 1.
file(MAKE_DIRECTORY ${WORK}/adir)
run(1 ${SRC}/scenarios/hill.json --out ${WORK}/adir --quiet)

# Issue 12: `herd --version` prints the code version results files record.
execute_process(COMMAND ${HERD} --version RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 30)
if(NOT code EQUAL 0 OR NOT out MATCHES "^herd [0-9]+\\.[0-9]+\\.[0-9]+\\+")
  message(FATAL_ERROR "herd --version: exit ${code}, stdout '${out}', stderr '${err}'")
endif()
