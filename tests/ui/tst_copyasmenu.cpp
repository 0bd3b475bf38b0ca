// "Copy as…" in the window: the entries are the core's copy-as targets, and each copies exactly the core's
// snippet for that target, in the request pane's context menu and in the Connection menu alike.
#include "core/copyas.h"
#include "engine/echoserver.h"
#include "ui/builder/handshakebuilder.h"
#include "ui/exchange/copyasmenu.h"
#include "ui/exchange/exchangeview.h"
#include "ui/widgets/rawhttpview.h"
#include "ui/window/mainwindow.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QMenu>
#include <QStandardPaths>
#include <QTest>

using namespace wsi;

namespace
{
const QByteArray kSixteen = QByteArray::fromHex("000102030405060708090a0b0c0d0e0f");

HandshakeToCopy handshake(const std::function<void(HandshakeSpec&)>& edit = {})
{
    HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://127.0.0.1:9001/chat"));
    spec.protocols = { "chat.v2" };
    if (edit)
        edit(spec);
    spec.syncRowsFromHelpers();
    return { spec, buildRequest(spec, kSixteen) };
}

QList<QAction*> entries(QMenu* menu)
{
    QList<QAction*> out;
    for (QAction* action : menu->actions()) {
        if (!action->isSeparator())
            out.append(action);
    }
    return out;
}

QMenu* subMenu(QMenu* menu, const QString& objectName)
{
    for (QAction* action : menu->actions()) {
        if (action->menu() && action->menu()->objectName() == objectName)
            return action->menu();
    }
    return nullptr;
}
} // namespace

class TestCopyAsMenu : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("wsinspector-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_copyasmenu"));
    }

    // One entry per target of the core, in its order; each copies the core's text and reports its caveats.
    void entriesAreTheCoresTargets_data()
    {
        QTest::addColumn<bool>("rawMode");
        QTest::newRow("built from the form") << false;
        QTest::newRow("raw request (every tool has caveats)") << true;
    }

    void entriesAreTheCoresTargets()
    {
        QFETCH(bool, rawMode);
        const HandshakeToCopy h = handshake([rawMode](HandshakeSpec& spec) {
            if (rawMode) {
                spec.rawMode = true;
                spec.rawRequest = "GET /chat HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nUpgrade: websocket\r\nConnection: "
                                  "Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: "
                                  "13\r\n\r\n";
            }
        });
        QVERIFY2(h.built.ok(), qPrintable(h.built.error));
        const QList<CopySnippet> expected = copyAsAll(h.spec, h.built);
        QVERIFY(expected.size() >= 4);
        QStringList reports;
        QMenu menu;
        fillCopyAsMenu(
            &menu, [h] { return std::optional(h); }, [&reports](const QString& s) { reports << s; });
        const QList<QAction*> actions = entries(&menu);
        QCOMPARE(actions.size(), expected.size());
        for (qsizetype i = 0; i < actions.size(); ++i) {
            const CopySnippet& snippet = expected.at(i);
            // "&1 websocat": the entry's key, then the target's title.
            QVERIFY2(actions.at(i)->text().startsWith(QStringLiteral("&%1 %2").arg(i + 1).arg(snippet.title)),
                qPrintable(actions.at(i)->text()));
            QGuiApplication::clipboard()->clear();
            actions.at(i)->trigger();
            QCOMPARE(QGuiApplication::clipboard()->text(), snippet.text);
            QCOMPARE(reports.size(), i + 1);
            QCOMPARE(reports.last(), copiedMessage(snippet));
            // What the tool cannot reproduce, sentence by sentence, in the tooltip and the report.
            for (const QString& caveat : snippet.caveats) {
                QVERIFY2(actions.at(i)->toolTip().contains(caveat), qPrintable(actions.at(i)->toolTip()));
                QVERIFY(reports.last().contains(caveat));
            }
        }
    }

    void nothingToCopyIsSaid()
    {
        QMenu menu;
        fillCopyAsMenu(&menu, [] { return std::optional<HandshakeToCopy>(); }, {});
        QCOMPARE(entries(&menu).size(), 1);
        QVERIFY(!entries(&menu).first()->isEnabled());
        const HandshakeToCopy bad = handshake([](HandshakeSpec& spec) { spec.url = QStringLiteral("http://nowhere"); });
        QVERIFY(!bad.built.ok());
        fillCopyAsMenu(&menu, [bad] { return std::optional(bad); }, {});
        QCOMPARE(entries(&menu).size(), 1);
        QVERIFY(!entries(&menu).first()->isEnabled());
        QVERIFY(entries(&menu).first()->text().contains(bad.built.error));
    }

    void requestPaneContextMenu()
    {
        ExchangeView view;
        std::unique_ptr<QMenu> without(view.requestView()->createContextMenu());
        QVERIFY(!subMenu(without.get(), QStringLiteral("copyAsMenu"))); // no source, no entry
        const HandshakeToCopy h = handshake();
        QString reported;
        view.setCopySource([h] { return std::optional(h); }, [&reported](const QString& s) { reported = s; });
        std::unique_ptr<QMenu> menu(view.requestView()->createContextMenu());
        QMenu* copyAs = subMenu(menu.get(), QStringLiteral("copyAsMenu"));
        QVERIFY(copyAs);
        const QList<CopySnippet> expected = copyAsAll(h.spec, h.built);
        QCOMPARE(entries(copyAs).size(), expected.size());
        for (qsizetype i = 0; i < expected.size(); ++i) {
            entries(copyAs).at(i)->trigger();
            QCOMPARE(QGuiApplication::clipboard()->text(), expected.at(i).text);
            QCOMPARE(reported, copiedMessage(expected.at(i)));
        }
        // The response pane has no "Copy as".
        std::unique_ptr<QMenu> response(view.responseView()->createContextMenu());
        QVERIFY(!subMenu(response.get(), QStringLiteral("copyAsMenu")));
    }

    void windowMenuCopiesTheBuildersHandshake()
    {
        EchoServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        MainWindow window(&server);
        HandshakeSpec spec = window.builder()->spec();
        spec.keyMode = KeyMode::Fixed; // so every build is the same request
        spec.fixedKey = "dGhlIHNhbXBsZSBub25jZQ==";
        spec.protocols = { "mqtt" };
        spec.syncRowsFromHelpers();
        window.builder()->setSpec(spec);
        QMenu* copyAs = nullptr;
        for (QMenu* menu : window.findChildren<QMenu*>()) {
            if (menu->objectName() == QLatin1String("copyAsMenu"))
                copyAs = menu;
        }
        QVERIFY(copyAs);
        Q_EMIT copyAs->aboutToShow(); // filled as it opens, from the builder as it is then
        const QList<CopySnippet> expected = copyAsAll(window.builder()->spec(), window.builder()->preview());
        QCOMPARE(entries(copyAs).size(), expected.size());
        for (qsizetype i = 0; i < expected.size(); ++i) {
            entries(copyAs).at(i)->trigger();
            QCOMPARE(QGuiApplication::clipboard()->text(), expected.at(i).text);
        }
        QVERIFY(QGuiApplication::clipboard()->text().contains(QLatin1String("mqtt")));
    }
};

QTEST_MAIN(TestCopyAsMenu)
#include "tst_copyasmenu.moc"
