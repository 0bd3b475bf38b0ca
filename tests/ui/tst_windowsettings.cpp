// The window's remembered settings: what is saved comes back, the server's policies only when asked for, and a
// damaged or older settings file is skipped with a note in the status bar instead of breaking the window.
#include "core/policyschema.h"
#include "engine/echoserver.h"
#include "ui/builder/handshakebuilder.h"
#include "ui/frames/composer.h"
#include "ui/frames/framespanel.h"
#include "ui/window/mainwindow.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace wsi;

namespace
{
QAction* action(MainWindow& window, const char* name)
{
    auto* found = window.findChild<QAction*>(QLatin1String(name));
    if (!found)
        qFatal("no action %s", name);
    return found;
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    file.write(bytes);
}
} // namespace

class TestWindowSettings : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString settingsPath(const char* name) const { return m_dir.filePath(QLatin1String(name)); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void composerAndPoliciesComeBack()
    {
        const QString path = settingsPath("roundtrip.ini");
        ServerPolicy changed;
        changed.protocols = { "chat.v2" };
        changed.allowMissingOrigin = false;
        changed.maxMessageBytes = 4096;
        {
            EchoServer server;
            QVERIFY(server.listen(QHostAddress::LocalHost, 0));
            MainWindow window(&server);
            window.setSettingsPath(path);
            server.setPolicy(changed);
            Composer* composer = window.framesPanel()->composer();
            composer->kindBox()->setCurrentIndex(1);
            composer->fragmentsBox()->setValue(3);
            composer->autoPongBox()->setChecked(false);
            composer->pingEveryBox()->setValue(30);
            action(window, "actionStartWithLastPolicies")->setChecked(true);
            window.saveSettings();
        }
        EchoServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        MainWindow window(&server);
        window.setSettingsPath(path);
        window.restoreSettings();
        Composer* composer = window.framesPanel()->composer();
        QCOMPARE(composer->kindBox()->currentIndex(), 1);
        QCOMPARE(composer->fragmentsBox()->value(), 3);
        QVERIFY(!composer->autoPongBox()->isChecked());
        QCOMPARE(composer->pingEveryBox()->value(), 30);
        QVERIFY(action(window, "actionStartWithLastPolicies")->isChecked());
        QVERIFY2(samePolicy(server.policy(), changed),
            qPrintable(policyDifferences(server.policy(), changed).join(QLatin1Char(','))));
        QVERIFY(window.statusBar()->currentMessage().isEmpty()
            || !window.statusBar()->currentMessage().contains(QLatin1String("could not be read")));
    }

    void policiesStayUnlessAskedFor()
    {
        const QString path = settingsPath("optout.ini");
        {
            EchoServer server;
            MainWindow window(&server);
            window.setSettingsPath(path);
            ServerPolicy changed;
            changed.protocols = { "only.this" };
            server.setPolicy(changed);
            QVERIFY(!action(window, "actionStartWithLastPolicies")->isChecked());
            window.saveSettings();
        }
        EchoServer server;
        const ServerPolicy before = server.policy();
        MainWindow window(&server);
        window.setSettingsPath(path);
        window.restoreSettings();
        QVERIFY(samePolicy(server.policy(), before));
    }

    void damagedSettingsAreIgnoredWithANote_data()
    {
        QTest::addColumn<QByteArray>("contents");
        QTest::newRow("wrong types and garbage layout bytes")
            << QByteArray("[window]\n"
                          "geometry=just text\n"
                          "state=@ByteArray(\\0\\x1\\x2 not a dock state)\n"
                          "dockWidths=@ByteArray({not json)\n"
                          "size=12\n"
                          "[splitters]\n"
                          "mainSplitter=@ByteArray(garbage)\n"
                          "[builder]\n"
                          "recentUrls=@Variant(\\0\\0\\0\\x7f\\0\\0\\0\\x1)\n"
                          "recentProfiles=@ByteArray(x)\n"
                          "lastProfile=@Size(1 2)\n"
                          "[composer]\n"
                          "kind=99\n"
                          "fragments=many\n"
                          "compress=perhaps\n"
                          "[server]\n"
                          "startWithLastPolicies=true\n"
                          "policy=\"{not json\"\n");
        QTest::newRow("policy JSON the schema refuses")
            << QByteArray("[server]\n"
                          "startWithLastPolicies=true\n"
                          "policy=\"{\\\"protocols\\\": 5, \\\"noSuchField\\\": true}\"\n");
        QTest::newRow("not an INI file at all") << QByteArray("\xff\xfe\x00\x01[[[\n=\n\x00\x00garbage\xc3\x28");
    }

    void damagedSettingsAreIgnoredWithANote()
    {
        QFETCH(QByteArray, contents);
        const QString path = settingsPath("damaged.ini");
        writeFile(path, contents);
        EchoServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        const ServerPolicy before = server.policy();
        MainWindow window(&server);
        window.setSettingsPath(path);
        const int kind = window.framesPanel()->composer()->kindBox()->currentIndex();
        const int fragments = window.framesPanel()->composer()->fragmentsBox()->value();
        window.restoreSettings();
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        QVERIFY2(window.statusBar()->currentMessage().contains(QLatin1String("could not be read")),
            qPrintable(window.statusBar()->currentMessage()));
        QVERIFY(samePolicy(server.policy(), before));
        QCOMPARE(window.framesPanel()->composer()->kindBox()->currentIndex(), kind);
        QCOMPARE(window.framesPanel()->composer()->fragmentsBox()->value(), fragments);
        // The window is whole: docks where they start, the URL still the local server's.
        QVERIFY(window.builderDock()->isVisible());
        QVERIFY(window.serverDock()->isVisible());
        QCOMPARE(QUrl(window.builder()->spec().url).port(), int(server.port()));
    }

    void layoutFromALargerScreenIsNotRestored()
    {
        const QString path = settingsPath("larger.ini");
        const QSize available = QGuiApplication::primaryScreen()->availableGeometry().size();
        const QSize tooLarge = available + QSize(400, 300);
        {
            EchoServer server;
            MainWindow window(&server);
            window.setSettingsPath(path);
            window.resize(1280, 800);
            window.saveSettings();
        }
        {
            QSettings settings(path, QSettings::IniFormat);
            settings.setValue(QStringLiteral("window/size"), tooLarge);
        }
        EchoServer server;
        MainWindow window(&server);
        window.setSettingsPath(path);
        window.restoreSettings();
        QVERIFY(window.width() <= std::max(available.width(), window.minimumWidth()));
        QVERIFY(window.height() <= std::max(available.height(), window.minimumHeight()));
        QVERIFY2(window.statusBar()->currentMessage().contains(QLatin1String("larger screen")),
            qPrintable(window.statusBar()->currentMessage()));
    }
};

QTEST_MAIN(TestWindowSettings)
#include "tst_windowsettings.moc"
