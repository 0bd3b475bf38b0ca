#pragma once
// "Copy as…": the handshake as a command line or a snippet for another tool. The entries are the targets the
// core's copy-as offers (copyAsAll), in its order, so a target added there appears here unchanged. Each entry
// copies its snippet to the clipboard; what the tool cannot reproduce (the snippet's caveats) is the entry's
// tooltip and is reported when it is copied.

#include "core/copyas.h"
#include "core/handshakespec.h"

#include <QString>
#include <functional>
#include <optional>

class QMenu;
class QWidget;

namespace wsi
{

struct HandshakeToCopy {
    HandshakeSpec spec;
    BuiltRequest built; // buildRequest(spec, …)
};
// Asked each time a menu opens, so the entries copy the handshake as it is then; nullopt when there is none.
using HandshakeSource = std::function<std::optional<HandshakeToCopy>()>;
// Told, after each copy, what was copied and what the tool will send differently.
using CopyReport = std::function<void(const QString& message)>;

// Replaces the menu's entries with one per copy-as target.
void fillCopyAsMenu(QMenu* menu, const HandshakeSource& source, const CopyReport& report);
// A "Copy as…" menu that fills itself each time it opens; owned by `parent`.
QMenu* createCopyAsMenu(const HandshakeSource& source, const CopyReport& report, QWidget* parent);

// The sentence reported after copying a snippet.
QString copiedMessage(const CopySnippet& snippet);

} // namespace wsi
