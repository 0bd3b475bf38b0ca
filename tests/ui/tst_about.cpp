// The program's icon and its About box: the icon must really render (the SVG icon engine present, the file compiled
// in), and the About box names the Qt, OpenSSL and zlib the running program uses.
#include "ui/window/about.h"
#include "ui/window/mainwindow.h"

#include <QAction>
#include <QImage>
#include <QMessageBox>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTest>
#include <zlib.h>

using namespace wsi;

class TestAbout : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("wsinspector-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_about"));
    }

    void iconRenders()
    {
        const QIcon icon = applicationIcon();
        QVERIFY(!icon.isNull());
        const QImage image = icon.pixmap(QSize(64, 64), 1.0).toImage().convertToFormat(QImage::Format_ARGB32);
        QCOMPARE(image.size(), QSize(64, 64));
        // The drawing, not a blank or a stand-in: a rounded tile (transparent corner), the lens in the middle.
        QCOMPARE(qAlpha(image.pixel(0, 0)), 0);
        QCOMPARE(qAlpha(image.pixel(32, 32)), 255);
        QCOMPARE(qAlpha(image.pixel(8, 32)), 255);
    }

    void aboutBoxNamesTheLibrariesInUse()
    {
        QMessageBox* box = createAboutBox(nullptr);
        const QString text = box->text();
        QVERIFY2(text.contains(QStringLiteral(WSI_VERSION)), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Qt %1").arg(QString::fromLatin1(qVersion()))), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("zlib %1").arg(QString::fromLatin1(zlibVersion()))), qPrintable(text));
        QVERIFY(QSslSocket::supportsSsl());
        QVERIFY2(text.contains(QSslSocket::sslLibraryVersionString().toHtmlEscaped()), qPrintable(text));
        QVERIFY2(QSslSocket::sslLibraryVersionString().contains(QLatin1String("OpenSSL")),
            qPrintable(QSslSocket::sslLibraryVersionString()));
        QVERIFY(!box->iconPixmap().isNull());
        QVERIFY(box->testAttribute(Qt::WA_DeleteOnClose));
        delete box;
    }

    void helpAboutOpensTheBox()
    {
        MainWindow window(nullptr);
        window.show();
        auto* action = window.findChild<QAction*>(QStringLiteral("actionAbout"));
        QVERIFY(action);
        action->trigger();
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = window.findChild<QMessageBox*>(QStringLiteral("aboutBox"))) && box->isVisible());
        QVERIFY(box->text().contains(QStringLiteral("zlib")));
        box->close();
    }
};

QTEST_MAIN(TestAbout)
#include "tst_about.moc"
