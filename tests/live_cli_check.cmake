# `herd live` end to end: --help, exit codes, a scenario it cannot run, and a
# short real run on loopback that writes a results file.
# Run by CTest with -DHERD=<herd> -DSRC=<source dir> -DWORK=<scratch dir>.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

set(SUBCOMMAND live)
include(${CMAKE_CURRENT_LIST_DIR}/cli_check_helpers.cmake)

run(0 --help)
expect("usage: herd live SCENARIO" "${out}")
expect("--ignore-faults" "${out}")
expect("exit codes" "${out}")

run(2)
expect("no scenario file given" "${err}")
run(2 ${WORK}/missing.json)
expect("cannot open the file" "${err}")
file(WRITE ${WORK}/bad.json "{\"name\": \"b\", \"duration\": \"1s\", \"topology\": {\"preset\": \"hill\"}, \"clients\": {\"count\": -1}}")
run(2 ${WORK}/bad.json)
expect("bad.json: clients.count" "${err}")
run(2 ${SRC}/scenarios/small_world_1k.json)
expect("small_world_1k.json: topology: 1000 servers; herd live runs at most 64" "${err}")
run(2 ${SRC}/scenarios/hill.json --speed 0)
expect("--speed" "${err}")
run(2 ${SRC}/scenarios/hill.json --duration 5)
expect("--duration" "${err}")
run(2 ${SRC}/scenarios/hill.json --plot ${WORK}/plots)
expect("give --out" "${err}")

# A real run: 1 s of the hill scenario at 4x speed (a quarter of a second).
run(0 ${SRC}/scenarios/hill.json --duration 1s --speed 4 --out ${WORK}/live.sqlite --quiet)
expect("scenario 'hill'" "${out}")
expect("live on loopback" "${out}")
expect("p50" "${out}")
if(NOT EXISTS ${WORK}/live.sqlite)
  message(FATAL_ERROR "herd live --out did not write ${WORK}/live.sqlite")
endif()

# Faults run live: the partition-and-heal scenario's 30 s at 60x speed.
run(0 ${SRC}/scenarios/partition_heal.json --seed 1 --speed 60 --out ${WORK}/faults.sqlite --quiet)
expect("partition-heal" "${out}")
if(NOT EXISTS ${WORK}/faults.sqlite)
  message(FATAL_ERROR "herd live --out did not write ${WORK}/faults.sqlite")
endif()
# A directory where the results file should be: the write fails with exit 1.
file(MAKE_DIRECTORY ${WORK}/adir)
run(1 ${SRC}/scenarios/hill.json --duration 200ms --speed 4 --out ${WORK}/adir --quiet)
