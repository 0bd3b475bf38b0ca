#include "engine/clock.h"

#include <QElapsedTimer>

namespace wsi
{
qint64 monotonicMicros()
{
    // Function-local static: started on first use, thread-safe initialisation.
    static const QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.nsecsElapsed() / 1000;
}
} // namespace wsi
