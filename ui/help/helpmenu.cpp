#include "ui/help/helpmenu.h"

#include "ui/help/helpwindow.h"

#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSet>
#include <QTableWidget>
#include <QVBoxLayout>

namespace wsi
{

namespace
{
QString withoutMnemonic(QString text)
{
    // "&&" is a literal ampersand; a single "&" marks the mnemonic.
    text.replace(QLatin1String("&&"), QStringLiteral("\x01"));
    text.remove(QLatin1Char('&'));
    text.replace(QStringLiteral("\x01"), QStringLiteral("&"));
    return text.remove(QStringLiteral("…")).remove(QStringLiteral("...")).trimmed();
}

QString keysText(const QAction* action)
{
    QStringList keys;
    for (const QKeySequence& key : action->shortcuts())
        keys.append(key.toString(QKeySequence::NativeText));
    return keys.join(QStringLiteral(", "));
}

// The menus an action sits in, outermost first: "File › Presets".
QString menuPath(const QAction* action)
{
    for (QObject* owner : action->associatedObjects()) {
        const auto* menu = qobject_cast<const QMenu*>(owner);
        if (!menu)
            continue;
        const QString title = withoutMnemonic(menu->title());
        const QString outer = menu->menuAction() ? menuPath(menu->menuAction()) : QString();
        return outer.isEmpty() ? title : outer + QStringLiteral(" › ") + title;
    }
    return {};
}

// Whether `action` works in `window` itself, not in a window of its own inside it (the help window, a dialog).
// Menus are popup windows but belong to the window they open from.
bool belongsTo(const QAction* action, const QWidget* window)
{
    for (const QObject* o = action->parent(); o; o = o->parent()) {
        if (o == window)
            return true;
        const auto* widget = qobject_cast<const QWidget*>(o);
        if (widget && widget->isWindow() && !qobject_cast<const QMenu*>(widget))
            return false;
    }
    return false;
}

void collectMenu(const QMenu* menu, QList<const QAction*>& ordered)
{
    for (const QAction* action : menu->actions()) {
        if (action->menu())
            collectMenu(action->menu(), ordered);
        else
            ordered.append(action);
    }
}
} // namespace

QList<ShortcutEntry> windowShortcuts(const QWidget* window)
{
    QList<const QAction*> ordered;
    if (const QMenuBar* bar = window->findChild<QMenuBar*>()) {
        for (const QAction* top : bar->actions()) {
            if (top->menu())
                collectMenu(top->menu(), ordered);
        }
    }
    for (const QAction* action : window->findChildren<QAction*>())
        ordered.append(action);
    for (const QAction* action : window->actions())
        ordered.append(action);

    QList<ShortcutEntry> entries;
    QSet<const QAction*> seen;
    for (const QAction* action : ordered) {
        if (seen.contains(action) || action->shortcuts().isEmpty() || action->isSeparator()
            || !belongsTo(action, window))
            continue;
        seen.insert(action);
        entries.append({ withoutMnemonic(action->text()), keysText(action), menuPath(action), action });
    }
    return entries;
}

void showShortcuts(QWidget* window)
{
    const QList<ShortcutEntry> entries = windowShortcuts(window);
    auto* dialog = new QDialog(window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("shortcutsDialog"));
    dialog->setWindowTitle(QObject::tr("Keyboard shortcuts"));
    auto* table = new QTableWidget(int(entries.size()), 3, dialog);
    table->setObjectName(QStringLiteral("shortcutsTable"));
    table->setHorizontalHeaderLabels({ QObject::tr("Command"), QObject::tr("Keys"), QObject::tr("Menu") });
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setAlternatingRowColors(true);
    table->setShowGrid(false);
    for (int row = 0; row < entries.size(); ++row) {
        const ShortcutEntry& e = entries.at(row);
        table->setItem(row, 0, new QTableWidgetItem(e.command));
        auto* keys = new QTableWidgetItem(e.keys);
        QFont bold = keys->font();
        bold.setBold(true);
        keys->setFont(bold);
        table->setItem(row, 1, keys);
        table->setItem(row, 2, new QTableWidgetItem(e.menu));
        if (!e.action->toolTip().isEmpty() && e.action->toolTip() != e.action->text())
            table->item(row, 0)->setToolTip(e.action->toolTip());
    }
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 10);
    table->resizeColumnsToContents();
    table->horizontalHeader()->setStretchLastSection(true);

    auto* note = new QLabel(QObject::tr("In the user guide: %1 finds, Enter and Shift+Enter step through what was "
                                        "found, %2 and %3 go back and forward.")
                                .arg(QKeySequence(QKeySequence::Find).toString(QKeySequence::NativeText),
                                    QKeySequence(QKeySequence::Back).toString(QKeySequence::NativeText),
                                    QKeySequence(QKeySequence::Forward).toString(QKeySequence::NativeText)));
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    // Escape or Enter closes the list; the table is there to read.
    buttons->button(QDialogButtonBox::Close)->setDefault(true);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(table, 1);
    layout->addWidget(note);
    layout->addWidget(buttons);
    const int width = table->horizontalHeader()->length() + table->frameWidth() * 2 + 40;
    dialog->resize(qMax(width, 460), 420);
    dialog->show();
    buttons->button(QDialogButtonBox::Close)->setFocus();
}

void installHelpMenu(QWidget* window, QMenu* helpMenu)
{
    QAction* first = helpMenu->actions().isEmpty() ? nullptr : helpMenu->actions().constFirst();
    auto* guide = new QAction(QObject::tr("&User guide"), helpMenu);
    guide->setObjectName(QStringLiteral("actionUserGuide"));
    guide->setShortcut(QKeySequence::HelpContents);
    guide->setStatusTip(QObject::tr("Open the user guide: the panels, walkthroughs and every RFC section the checks "
                                    "cite"));
    QObject::connect(guide, &QAction::triggered, window, [window] { showGuide(window); });
    auto* shortcuts = new QAction(QObject::tr("&Keyboard shortcuts"), helpMenu);
    shortcuts->setObjectName(QStringLiteral("actionKeyboardShortcuts"));
    shortcuts->setStatusTip(QObject::tr("List every keyboard shortcut of this window"));
    QObject::connect(shortcuts, &QAction::triggered, window, [window] { showShortcuts(window); });
    helpMenu->insertAction(first, guide);
    helpMenu->insertAction(first, shortcuts);
    if (first)
        helpMenu->insertSeparator(first);
}

} // namespace wsi
