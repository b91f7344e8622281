# Where `cmake --install` puts each part, relative to the prefix; packaging/CMakeLists.txt has
# the rules for all but the two targets (app/, rebind/). README "Install" shows the tree.
include(GNUInstallDirs)

# rebind.so is a module preloaded into wrapped programs, not a library to link against. The
# installed binary looks for it at <its directory>/../lib/websockify (wrap/find_rebind_library),
# so it goes to lib/websockify whatever CMAKE_INSTALL_LIBDIR is (lib/x86_64-linux-gnu for the
# prefix /usr on Debian, lib64 on other systems).
set(WEBSOCKIFY_REBIND_DIR lib/websockify)
set(WEBSOCKIFY_WEB_DIR ${CMAKE_INSTALL_DATADIR}/websockify/web)
set(WEBSOCKIFY_SYSTEMD_UNIT_DIR lib/systemd/system CACHE STRING
    "Where websockify.service is installed, relative to the prefix")
set(WEBSOCKIFY_SYSUSERS_DIR lib/sysusers.d CACHE STRING
    "Where the sysusers.d entry creating the service's user is installed, relative to the prefix")

file(RELATIVE_PATH websockify_rebind_from_bindir
    "${CMAKE_INSTALL_FULL_BINDIR}" "${CMAKE_INSTALL_PREFIX}/${WEBSOCKIFY_REBIND_DIR}")
if(NOT websockify_rebind_from_bindir STREQUAL "../lib/websockify")
    message(WARNING "With CMAKE_INSTALL_BINDIR ${CMAKE_INSTALL_BINDIR} the installed websockify "
        "looks for rebind.so in ${CMAKE_INSTALL_FULL_BINDIR}/../lib/websockify, not where it is "
        "installed: wrapping a program will need --rebind-library")
endif()
