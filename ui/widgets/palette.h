#pragma once
// The window's few meaningful colours, named once: every view that marks an error, a warning, a pass
// or a protocol violation takes its colour from here. Chosen to stay readable on light and dark palettes.

#include <QColor>
#include <QString>

namespace wsi::palette
{

inline const QColor error(0xb3, 0x26, 0x1e); // errors, refusals, violations
inline const QColor warning(0x8a, 0x53, 0x00); // warnings, notes that are not errors
inline const QColor ok(0x1e, 0x8e, 0x3e); // passed checks, accepted steps, 101
inline const QColor info(0x1a, 0x73, 0xe8); // information, frames we sent
inline const QColor muted(0x80, 0x80, 0x80); // disabled or empty
inline const QColor violationBackground(0xfc, 0xe8, 0xe6); // a row that breaks the protocol

// "#rrggbb", for style sheets and rich text.
inline QString css(const QColor& color)
{
    return color.name();
}

} // namespace wsi::palette
