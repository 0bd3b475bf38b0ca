# One INTERFACE target carries every compile setting; each target of the project links it.
add_library(wsi_settings INTERFACE)
target_compile_features(wsi_settings INTERFACE cxx_std_20)
target_compile_definitions(wsi_settings INTERFACE
  QT_NO_CAST_TO_ASCII
  QT_NO_URL_CAST_FROM_STRING
  QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
  QT_NO_FOREACH
  QT_NO_KEYWORDS
  QT_DISABLE_DEPRECATED_BEFORE=0x060400
  WSI_VERSION="${PROJECT_VERSION}")
target_compile_options(wsi_settings INTERFACE -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Woverloaded-virtual -Wimplicit-fallthrough)
if(WSI_WERROR)
  target_compile_options(wsi_settings INTERFACE -Werror)
endif()
if(WSI_SANITIZE)
  target_compile_options(wsi_settings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  target_link_options(wsi_settings INTERFACE -fsanitize=address,undefined)
endif()

# Sources of a library are every .cpp/.h in its folder: adding a file needs no CMake edit.
function(wsi_glob_sources out dir)
  file(GLOB _srcs CONFIGURE_DEPENDS "${dir}/*.cpp" "${dir}/*.h")
  set(${out} ${_srcs} PARENT_SCOPE)
endfunction()
