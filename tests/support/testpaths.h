#pragma once

#include <QString>

namespace wsi::test
{

// The source tree: $WSI_SOURCE_DIR (ctest sets it for every test), or else the nearest
// directory above the test executable that holds tests/peers. Empty when neither exists.
QString sourceDir();

// The wsinspector executable: $WSI_BINARY (ctest sets it). Empty when unset.
QString wsinspectorBinary();

// A peer script under tests/peers, e.g. peerScript("python/peer.py").
QString peerScript(const QString& relativePath);

} // namespace wsi::test
