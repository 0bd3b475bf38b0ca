#pragma once
// The Help menu's own entries: the user guide (F1) and the list of keyboard shortcuts, which is made from the
// window's actions themselves so it cannot fall behind them.

#include <QList>
#include <QString>

class QAction;
class QMenu;
class QWidget;

namespace wsi
{

// One command of a window that has a keyboard shortcut.
struct ShortcutEntry {
    QString command; // the action's text without its mnemonic: "Connect"
    QString keys; // every shortcut, as the platform writes them: "Ctrl+Return"
    QString menu; // where the command is: "Connection", "File › Presets"; empty when it is in no menu
    const QAction* action = nullptr;
};

// Every action of `window` (and of the widgets inside it) that has a shortcut: menu commands in menu-bar order
// first, then the rest. Each action appears once. Windows of their own inside it (the help window, dialogs) keep
// their shortcuts to themselves and are left out.
QList<ShortcutEntry> windowShortcuts(const QWidget* window);

// A dialog listing windowShortcuts(window).
void showShortcuts(QWidget* window);

// Puts "User guide" (F1) and "Keyboard shortcuts" at the top of `helpMenu`, above what it already holds.
void installHelpMenu(QWidget* window, QMenu* helpMenu);

} // namespace wsi
