# Run by `cmake --install` (see CMakeLists.txt here): writes websockify.service with ExecStart
# naming the binary where this very install puts it. The path leaves DESTDIR out, since DESTDIR
# is a staging area; file(INSTALL) adds it, and records the unit in install_manifest.txt.
if(IS_ABSOLUTE "${WEBSOCKIFY_UNIT_BINDIR}")
    set(WEBSOCKIFY_INSTALLED_BINARY "${WEBSOCKIFY_UNIT_BINDIR}/websockify")
else()
    set(WEBSOCKIFY_INSTALLED_BINARY "${CMAKE_INSTALL_PREFIX}/${WEBSOCKIFY_UNIT_BINDIR}/websockify")
endif()
file(READ "${WEBSOCKIFY_UNIT_TEMPLATE}" unit)
string(CONFIGURE "${unit}" unit @ONLY)
# Installs into several prefixes may run at once from one build tree: each gets its own scratch.
string(RANDOM LENGTH 12 scratch_name)
set(scratch "${WEBSOCKIFY_UNIT_SCRATCH}/unit-${scratch_name}")
file(WRITE "${scratch}/websockify.service" "${unit}")
if(IS_ABSOLUTE "${WEBSOCKIFY_UNIT_DIR}")
    set(unit_destination "${WEBSOCKIFY_UNIT_DIR}")
else()
    set(unit_destination "${CMAKE_INSTALL_PREFIX}/${WEBSOCKIFY_UNIT_DIR}")
endif()
file(INSTALL DESTINATION "${unit_destination}" TYPE FILE FILES "${scratch}/websockify.service")
file(REMOVE_RECURSE "${scratch}")
