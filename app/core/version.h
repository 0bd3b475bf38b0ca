#pragma once

namespace wsi
{
// The project version, from CMake's project(VERSION).
inline constexpr const char* versionString()
{
    return WSI_VERSION;
}
} // namespace wsi
