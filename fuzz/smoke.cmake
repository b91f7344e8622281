# ctest's fuzz.<name>: fuzzes for SECONDS from the checked-in seed corpus.
#
# libFuzzer writes new inputs only to its first corpus directory, so that one is a scratch
# directory under the build tree, emptied first so each run starts from the same seeds; the
# checked-in corpus comes second and is only read.
#   cmake -D FUZZER=... -D SEEDS=... -D SCRATCH=... -D DICT=... -D SECONDS=... -P smoke.cmake
file(REMOVE_RECURSE ${SCRATCH})
file(MAKE_DIRECTORY ${SCRATCH})
set(options -max_total_time=${SECONDS} -timeout=5 -rss_limit_mb=2048 -print_final_stats=1)
if(DICT)
    list(APPEND options -dict=${DICT})
endif()
# Reproducers (<scratch>-crash-<sha1>, -leak-, -timeout-) land beside the scratch corpus rather
# than in the current directory.
list(APPEND options -artifact_prefix=${SCRATCH}-)
execute_process(COMMAND ${FUZZER} ${options} ${SCRATCH} ${SEEDS} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "${FUZZER} failed (${status}): see the crash report above")
endif()
