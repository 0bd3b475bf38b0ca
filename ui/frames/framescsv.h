#pragma once
// The frames a filter shows, as CSV: one row per frame, a header line first, fields quoted when needed.

class QIODevice;

namespace wsi
{

class FramesFilterModel;

// Writes the header line and every row `shown` passes, in its order, to `out`.
void writeFramesCsv(const FramesFilterModel& shown, QIODevice& out);

} // namespace wsi
