// The window by keyboard alone: Tab walks the handshake builder in reading order, and every menu entry has its
// own mnemonic within its menu.
#include "engine/echoserver.h"
#include "ui/builder/handshakebuilder.h"
#include "ui/window/mainwindow.h"

#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QStandardPaths>
#include <QTest>

using namespace wsi;

namespace
{
// The letter after a single '&', lower-cased; a null character when there is none.
QChar mnemonicOf(const QString& text)
{
    for (int i = 0; i + 1 < text.size(); ++i) {
        if (text.at(i) != QLatin1Char('&'))
            continue;
        if (text.at(i + 1) == QLatin1Char('&')) {
            ++i;
            continue;
        }
        return text.at(i + 1).toLower();
    }
    return {};
}

// The widget Tab stops at for `w`: an editable combo box's line edit stands for the combo.
QWidget* stopOf(QWidget* w)
{
    if (auto* combo = qobject_cast<QComboBox*>(w->parentWidget()); combo && combo->lineEdit() == w)
        return combo;
    return w;
}

void checkMenu(QMenu* menu, QStringList& problems)
{
    QHash<QChar, QString> taken;
    for (QAction* action : menu->actions()) {
        if (action->isSeparator() || !action->isVisible())
            continue;
        const QChar key = mnemonicOf(action->text());
        if (key.isNull())
            problems << QStringLiteral("%1 › %2 has no mnemonic").arg(menu->title(), action->text());
        else if (taken.contains(key))
            problems << QStringLiteral("%1 › %2 and %3 share the mnemonic %4")
                            .arg(menu->title(), taken.value(key), action->text(), key);
        else
            taken.insert(key, action->text());
        if (action->menu())
            checkMenu(action->menu(), problems);
    }
}
} // namespace

class TestKeyboard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void tabFollowsTheBuilderInReadingOrder()
    {
        EchoServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        MainWindow window(&server);
        window.resize(1600, 1000);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        HandshakeBuilder* builder = window.builder();
        auto* url = builder->findChild<QComboBox*>(QStringLiteral("urlCombo"));
        QVERIFY(url);

        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        url->setFocus(Qt::TabFocusReason);
        QTRY_VERIFY(url->hasFocus());
        // Press Tab as a person would, until focus leaves the builder.
        QList<QWidget*> stops { url };
        for (int i = 0; i < 80; ++i) {
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
            QWidget* focused = QApplication::focusWidget();
            if (!focused || !builder->isAncestorOf(focused))
                break;
            QWidget* stop = stopOf(focused);
            if (stops.contains(stop))
                break;
            stops.append(stop);
        }
        QVERIFY(stops.size() > 10);
        QCOMPARE(stops.constFirst(), url);
        QStringList names;
        for (QWidget* stop : std::as_const(stops))
            names << (stop->objectName().isEmpty() ? QString::fromLatin1(stop->metaObject()->className())
                                                   : stop->objectName());
        const QStringList expectedInOrder { QStringLiteral("urlCombo"), QStringLiteral("connectButton"),
            QStringLiteral("profileCombo"), QStringLiteral("originEdit"), QStringLiteral("cookieEdit"),
            QStringLiteral("tokenEdit"), QStringLiteral("keyModeCombo"), QStringLiteral("versionCombo"),
            QStringLiteral("rawCheck"), QStringLiteral("headerTable"), QStringLiteral("addRowButton") };
        int at = -1;
        for (const QString& name : expectedInOrder) {
            const int next = names.indexOf(name);
            QVERIFY2(next > at,
                qPrintable(QStringLiteral("%1 out of order in: %2").arg(name, names.join(QStringLiteral(" → ")))));
            at = next;
        }
        // Nothing sends Tab back up the form.
        for (int i = 1; i < stops.size(); ++i) {
            const QRect a(stops.at(i - 1)->mapTo(builder, QPoint()), stops.at(i - 1)->size());
            const QRect b(stops.at(i)->mapTo(builder, QPoint()), stops.at(i)->size());
            QVERIFY2(b.top() + 4 >= a.top(),
                qPrintable(QStringLiteral("Tab goes up from %1 to %2").arg(names.at(i - 1), names.at(i))));
        }
    }

    void everyMenuEntryHasItsOwnMnemonic()
    {
        EchoServer server;
        MainWindow window(&server);
        QStringList problems;
        QHash<QChar, QString> titles;
        for (QAction* top : window.menuBar()->actions()) {
            const QChar key = mnemonicOf(top->text());
            if (key.isNull() || titles.contains(key))
                problems << QStringLiteral("menu %1 has no mnemonic of its own").arg(top->text());
            titles.insert(key, top->text());
            if (top->menu())
                checkMenu(top->menu(), problems);
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }
};

QTEST_MAIN(TestKeyboard)
#include "tst_keyboard.moc"
