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
# Issue 12: --check validates (and that the scenario can run live) without starting servers.
run(0 ${SRC}/scenarios/partition_heal.json --check)
expect("partition_heal.json: ok: scenario 'partition-heal', 1 sweep point(s), 3 run(s)" "${out}")
run(0 ${SRC}/scenarios/partition_heal.json --check --seed 7)
expect("1 sweep point(s), 1 run(s)" "${out}")
# Issue 11: anti-entropy runs live too.
run(0 ${SRC}/scenarios/partition_heal_ae.json --check)
expect("partition_heal_ae.json: ok: scenario 'partition-heal-ae'" "${out}")

# Issue 12: `herd serve --check` validates the config and the name, listens on nothing.
file(WRITE ${WORK}/herd.json "{\"servers\": [{\"name\": \"A\", \"port\": 10001, \"peer_port\": 10002, \"neighbours\": [\"B\"]}, {\"name\": \"B\", \"port\": 10003, \"peer_port\": 10004, \"neighbours\": [\"A\"]}], \"secret\": \"at least sixteen bytes of shared secret\"}")
execute_process(COMMAND ${HERD} serve --config ${WORK}/herd.json --name B --check RESULT_VARIABLE code OUTPUT_VARIABLE out
                ERROR_VARIABLE err TIMEOUT 30)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "herd serve --check: exit ${code}\n${out}\n${err}")
endif()
expect("ok: herd config ${WORK}/herd.json, server B (clients on 127.0.0.1:10003), 2 server(s)" "${out}")
execute_process(COMMAND ${HERD} serve --config ${WORK}/herd.json --name C --check RESULT_VARIABLE code OUTPUT_VARIABLE out
                ERROR_VARIABLE err TIMEOUT 30)
if(NOT code EQUAL 2)
  message(FATAL_ERROR "herd serve --check with an unknown name: exit ${code}, expected 2\n${err}")
endif()
expect("no server named 'C' (have: A B)" "${err}")
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
