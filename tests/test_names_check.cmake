# catch_discover_tests cuts a test's name at ';' (a CMake list separator),
# and ctest then runs a filter that matches nothing and reports a pass. So
# no test name may contain one.
file(GLOB sources "${SRC}/tests/*.cpp")
foreach(f ${sources})
  file(STRINGS "${f}" bad REGEX "TEST_CASE\\(\"[^\"]*;")
  if(bad)
    message(FATAL_ERROR "${f}: a TEST_CASE name contains ';', so ctest would run nothing for it")
  endif()
endforeach()
