# cmake/code_version.cmake in a scratch git repository: the commit, "-dirty"
# after an edit to a tracked file, "unknown" outside git, and no rewrite
# when nothing changed (so builds stay incremental).
# Run by CTest with -DSCRIPT=<cmake/code_version.cmake> -DWORK=<scratch dir>.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/repo ${WORK}/plain)
set(OUT ${WORK}/code_version.cpp)
function(git)
  execute_process(COMMAND git -c user.name=t -c user.email=t@example.invalid ${ARGN}
    WORKING_DIRECTORY ${WORK}/repo RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "git ${ARGN}: ${err}")
  endif()
endfunction()
function(generate src)
  # The ceiling keeps git from finding a repository around WORK (the build
  # tree usually sits inside the source checkout).
  execute_process(COMMAND ${CMAKE_COMMAND} -E env GIT_CEILING_DIRECTORIES=${WORK}
    ${CMAKE_COMMAND} -DSRC=${src} -DOUT=${OUT} -DVERSION=9.8.7 -P ${SCRIPT}
    RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "code_version.cmake failed: ${err}")
  endif()
  file(READ ${OUT} text)
  set(text "${text}" PARENT_SCOPE)
endfunction()
function(expect what)
  string(FIND "${text}" "${what}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "expected '${what}' in:\n${text}")
  endif()
endfunction()

git(init -q)
file(WRITE ${WORK}/repo/a.txt "one\n")
git(add a.txt)
git(commit -q -m one)
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${WORK}/repo
  OUTPUT_VARIABLE head OUTPUT_STRIP_TRAILING_WHITESPACE)

generate(${WORK}/repo)
expect("return \"9.8.7+${head}\";")
file(TIMESTAMP ${OUT} first "%s")

# Unchanged tree: the file is not rewritten (a rebuild would follow).
execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1.1)
generate(${WORK}/repo)
file(TIMESTAMP ${OUT} second "%s")
if(NOT first STREQUAL second)
  message(FATAL_ERROR "code_version.cpp was rewritten with nothing changed")
endif()

file(WRITE ${WORK}/repo/a.txt "two\n")
generate(${WORK}/repo)
expect("return \"9.8.7+${head}-dirty\";")

git(commit -q -am two)
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${WORK}/repo
  OUTPUT_VARIABLE head2 OUTPUT_STRIP_TRAILING_WHITESPACE)
generate(${WORK}/repo)
expect("return \"9.8.7+${head2}\";")

generate(${WORK}/plain)
expect("return \"9.8.7+unknown\";")
file(REMOVE_RECURSE ${WORK})
