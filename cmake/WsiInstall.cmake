# Installing as a desktop program (GNU directories) and the .deb CPack makes of it. Only the program, its desktop
# entry, icon, AppStream metainfo and man page have install rules: tests, benchmarks and fuzzers are never installed.
include(GNUInstallDirs)

set(WSI_SUMMARY "See and steer the WebSocket opening handshake and its frames")
set(_wsi_resources "${PROJECT_SOURCE_DIR}/resources")
set(_wsi_share "${PROJECT_BINARY_DIR}/share")
configure_file("${_wsi_resources}/wsinspector.desktop.in" "${_wsi_share}/${WSI_APP_ID}.desktop" @ONLY)
configure_file("${_wsi_resources}/wsinspector.metainfo.xml.in" "${_wsi_share}/${WSI_APP_ID}.metainfo.xml" @ONLY)

# The man page's option lists come from the program's --help texts (cmake/WsiManPage.cmake), so it is rebuilt
# whenever the program is.
# (Under the sanitizers, a leak check at exit has no bearing on a help text.)
add_custom_command(OUTPUT "${_wsi_share}/wsinspector.1.gz"
  COMMAND "${CMAKE_COMMAND}" -E env ASAN_OPTIONS=detect_leaks=0
    "${CMAKE_COMMAND}" "-DWSI_BINARY=$<TARGET_FILE:wsinspector>"
    "-DTEMPLATE=${_wsi_resources}/wsinspector.1.in" "-DOUTPUT=${_wsi_share}/wsinspector.1.gz"
    "-DPROJECT_VERSION=${PROJECT_VERSION}" "-DWSI_RELEASE_DATE=${WSI_RELEASE_DATE}"
    -P "${PROJECT_SOURCE_DIR}/cmake/WsiManPage.cmake"
  DEPENDS wsinspector "${_wsi_resources}/wsinspector.1.in" "${PROJECT_SOURCE_DIR}/cmake/WsiManPage.cmake"
  COMMENT "Writing the man page from wsinspector --help"
  VERBATIM)
add_custom_target(wsi_manpage ALL DEPENDS "${_wsi_share}/wsinspector.1.gz")

# Every library the program links is a system one: the installed binary needs no run path of its own.
set_target_properties(wsinspector PROPERTIES INSTALL_RPATH "")
install(TARGETS wsinspector RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(FILES "${_wsi_share}/${WSI_APP_ID}.desktop" DESTINATION "${CMAKE_INSTALL_DATADIR}/applications")
install(FILES "${_wsi_resources}/icons/wsinspector.svg" DESTINATION "${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps"
  RENAME "${WSI_APP_ID}.svg")
install(FILES "${_wsi_share}/${WSI_APP_ID}.metainfo.xml" DESTINATION "${CMAKE_INSTALL_DATADIR}/metainfo")
install(FILES "${_wsi_share}/wsinspector.1.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")

# The .deb (cpack in the build directory, or scripts/package). Library dependencies are read from the binary by
# dpkg-shlibdeps; what is loaded at run time is named here: the SVG icon engine that draws the icon, the libssl
# that Qt's TLS backend opens for wss://, and the Wayland platform plugin (X11's comes with Qt GUI itself).
set(WSI_PACKAGE_MAINTAINER "WebSocket Inspector maintainers <maintainers@wsinspector.invalid>"
  CACHE STRING "The Maintainer field of the .deb")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME wsinspector)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${WSI_SUMMARY}")
# The long description, in lines short enough for dpkg and apt to show as they are.
set(CPACK_PACKAGE_DESCRIPTION "A desktop tool that builds a WebSocket opening handshake header by header
(or as raw bytes), sends it to any server or to its built-in echo server, and
shows both raw messages checked against RFC 6455 and RFC 7692, with every
frame decoded down to its bits. The same engine runs headless as
'wsinspector serve' and 'wsinspector probe URL'.")
set(CPACK_PACKAGE_CONTACT "${WSI_PACKAGE_MAINTAINER}")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6svg6, libssl3")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-wayland")
include(CPack)
