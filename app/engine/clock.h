#pragma once
#include <QtGlobal>

namespace wsi
{
// Monotonic microseconds since the process first asked; every transcript timestamp comes from here.
qint64 monotonicMicros();
} // namespace wsi
