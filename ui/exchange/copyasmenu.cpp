#include "ui/exchange/copyasmenu.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QMenu>
#include <QObject>

namespace wsi
{

QString copiedMessage(const CopySnippet& snippet)
{
    if (snippet.caveats.isEmpty())
        return QObject::tr("Copied the handshake as %1; it sends the same handshake.").arg(snippet.title);
    return QObject::tr("Copied the handshake as %1. It cannot reproduce everything: %2")
        .arg(snippet.title, snippet.caveats.join(QLatin1Char(' ')));
}

void fillCopyAsMenu(QMenu* menu, const HandshakeSource& source, const CopyReport& report)
{
    menu->clear();
    menu->setToolTipsVisible(true);
    const std::optional<HandshakeToCopy> handshake = source ? source() : std::nullopt;
    if (!handshake) {
        menu->addAction(QObject::tr("No handshake to copy"))->setEnabled(false);
        return;
    }
    if (!handshake->built.ok()) {
        menu->addAction(QObject::tr("Cannot copy: %1").arg(handshake->built.error))->setEnabled(false);
        return;
    }
    // The snippets are made once, when the menu opens: the entry copies exactly what its tooltip describes.
    const QList<CopySnippet> snippets = copyAsAll(handshake->spec, handshake->built);
    int number = 0;
    for (const CopySnippet& snippet : snippets) {
        // Numbered so that every entry has a key in the open menu.
        QString title = snippet.title;
        title.replace(QLatin1Char('&'), QStringLiteral("&&"));
        if (++number <= 9)
            title = QStringLiteral("&%1 %2").arg(number).arg(title);
        QAction* action
            = menu->addAction(snippet.caveats.isEmpty() ? title : QObject::tr("%1 (with caveats)").arg(title));
        action->setToolTip(snippet.caveats.isEmpty()
                ? QObject::tr("Sends the same handshake.")
                : QObject::tr("Cannot reproduce:\n• %1").arg(snippet.caveats.join(QStringLiteral("\n• "))));
        action->setData(snippet.text);
        QObject::connect(action, &QAction::triggered, menu, [snippet, report] {
            QGuiApplication::clipboard()->setText(snippet.text);
            if (report)
                report(copiedMessage(snippet));
        });
    }
}

QMenu* createCopyAsMenu(const HandshakeSource& source, const CopyReport& report, QWidget* parent)
{
    auto* menu = new QMenu(QObject::tr("Copy handshake &as…"), parent);
    menu->setObjectName(QStringLiteral("copyAsMenu"));
    QObject::connect(menu, &QMenu::aboutToShow, menu, [menu, source, report] { fillCopyAsMenu(menu, source, report); });
    fillCopyAsMenu(menu, source, report);
    return menu;
}

} // namespace wsi
