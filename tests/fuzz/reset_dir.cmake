# cmake -DDIR=<dir> -P reset_dir.cmake: empties DIR (a fuzzer's corpus), so
# that every ctest run starts from an empty corpus.
if(NOT DIR)
  message(FATAL_ERROR "reset_dir.cmake: DIR is not set")
endif()
file(REMOVE_RECURSE "${DIR}")
file(MAKE_DIRECTORY "${DIR}")
