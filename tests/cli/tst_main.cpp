// The executable's first decision, made before any QApplication exists: a first argument that is not an option
// and not a subcommand is bad usage (64, usage on stderr) — also where no display is available.
#include <QProcess>
#include <QTest>

class tst_Main : public QObject
{
    Q_OBJECT

private:
    static QProcessEnvironment withoutDisplay()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char* name : { "QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY" })
            env.remove(QLatin1String(name));
        return env;
    }

private Q_SLOTS:
    void unknownCommandIsBadUsage_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("frobnicate") << QStringList { QStringLiteral("frobnicate") };
        QTest::newRow("with options after it") << QStringList { QStringLiteral("servee"), QStringLiteral("--json") };
        QTest::newRow("empty") << QStringList { QString() };
    }

    void unknownCommandIsBadUsage()
    {
        QFETCH(QStringList, arguments);
        const QString binary = qEnvironmentVariable("WSI_BINARY");
        QVERIFY2(!binary.isEmpty(), "WSI_BINARY is not set");
        QProcess p;
        p.setProcessEnvironment(withoutDisplay());
        p.start(binary, arguments);
        QVERIFY(p.waitForFinished(20000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 64);
        QCOMPARE(p.readAllStandardOutput(), QByteArray());
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.contains("usage: wsinspector"), err.constData());
        QVERIFY2(err.contains("unknown command"), err.constData());
    }

    void versionNeedsNoDisplay()
    {
        QProcess p;
        p.setProcessEnvironment(withoutDisplay());
        p.start(qEnvironmentVariable("WSI_BINARY"), { QStringLiteral("--version") });
        QVERIFY(p.waitForFinished(20000));
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardOutput().startsWith("wsinspector "));
    }
};

QTEST_GUILESS_MAIN(tst_Main)
#include "tst_main.moc"
