#include "ui/gui.h"

#include "engine/echoserver.h"
#include "ui/handshakebuilder.h"
#include "ui/mainwindow.h"
#include "ui/profiles.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QFileInfo>
#include <QTableView>
#include <QTimer>
#include <cstdio>

namespace wsi
{

namespace
{
constexpr int kExitUsage = 64;
constexpr int kScreenshotTimeoutMs = 20'000;

// The policy a newcomer meets: two subprotocols and compression, so the first handshake shows both.
ServerPolicy samplePolicy()
{
    ServerPolicy policy;
    policy.protocols = { "json", "msgpack" };
    policy.deflate.enabled = true;
    return policy;
}

void fail(const QString& message)
{
    std::fprintf(stderr, "wsinspector: %s\n", qPrintable(message));
}

// In a screenshot the server's side is most useful with its newest connection selected.
void selectNewestServerConnection(MainWindow& window)
{
    if (!window.serverDock())
        return;
    for (QTableView* table : window.serverDock()->findChildren<QTableView*>()) {
        QAbstractItemModel* model = table->model();
        if (model && model->rowCount() > 0) {
            table->selectRow(model->rowCount() - 1);
            return;
        }
    }
}
} // namespace

int runGui(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("wsinspector"));
    QApplication::setApplicationName(QStringLiteral("wsinspector"));
    QApplication::setApplicationDisplayName(QStringLiteral("WebSocket Inspector"));
    QApplication::setApplicationVersion(QStringLiteral(WSI_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The WebSocket Inspector window."));
    const QCommandLineOption profileOption(QStringLiteral("profile"),
        QStringLiteral("Load a preset (echo, chat, deflate, crosssite, token) or a profile file."),
        QStringLiteral("NAME"));
    const QCommandLineOption urlOption(
        QStringLiteral("url"), QStringLiteral("Connect to URL instead of the local server."), QStringLiteral("URL"));
    const QCommandLineOption connectOption(QStringLiteral("connect"), QStringLiteral("Send the handshake at start."));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
        QStringLiteral("After the handshake, save the window as a PNG and exit."), QStringLiteral("FILE"));
    const QCommandLineOption sizeOption(
        QStringLiteral("size"), QStringLiteral("Window size, e.g. 1600x1000."), QStringLiteral("WxH"));
    const QCommandLineOption allowOriginOption(QStringLiteral("server-allow-origin"),
        QStringLiteral("Local server: accept only this Origin (repeatable)."), QStringLiteral("ORIGIN"));
    const QCommandLineOption serverPortOption(QStringLiteral("server-port"),
        QStringLiteral("Local server: listen on this port (default: any free port)."), QStringLiteral("PORT"),
        QStringLiteral("0"));
    parser.addOptions(
        { profileOption, urlOption, connectOption, screenshotOption, sizeOption, allowOriginOption, serverPortOption });
    if (!parser.parse(QApplication::arguments())) {
        fail(parser.errorText());
        return kExitUsage;
    }
    if (!parser.positionalArguments().isEmpty()) {
        fail(QStringLiteral("unexpected argument \"%1\"; the window takes only options (try --help).")
                 .arg(parser.positionalArguments().constFirst()));
        return kExitUsage;
    }
    QSize size;
    if (parser.isSet(sizeOption)) {
        const QStringList parts = parser.value(sizeOption).split(QLatin1Char('x'));
        bool okW = false, okH = false;
        if (parts.size() == 2)
            size = QSize(parts.at(0).toInt(&okW), parts.at(1).toInt(&okH));
        if (!okW || !okH || size.width() < 1000 || size.height() < 650) {
            fail(QStringLiteral("--size must be WIDTHxHEIGHT of at least 1000x650, e.g. 1600x1000."));
            return kExitUsage;
        }
    }
    bool portOk = false;
    const uint port = parser.value(serverPortOption).toUInt(&portOk);
    if (!portOk || port > 65535) {
        fail(QStringLiteral("--server-port must be a number from 0 to 65535."));
        return kExitUsage;
    }
    const QString screenshot = parser.value(screenshotOption);

    EchoServer server;
    ServerPolicy policy = samplePolicy();
    for (const QString& origin : parser.values(allowOriginOption))
        policy.allowedOrigins.append(origin.toUtf8());
    server.setPolicy(policy);
    QString listenError;
    const bool listening = server.listen(QHostAddress::LocalHost, quint16(port), &listenError);

    MainWindow window(&server);
    if (screenshot.isEmpty())
        window.restoreSettings(); // a screenshot must not depend on the last session
    if (!listening)
        fail(QStringLiteral("the local echo server could not start: %1").arg(listenError));
    if (parser.isSet(profileOption)) {
        const QString name = parser.value(profileOption);
        const ProfileInfo preset = findBuiltInProfile(name);
        const QString path = !preset.path.isEmpty() ? preset.path : name;
        if (preset.path.isEmpty() && !QFileInfo::exists(path)) {
            QStringList names;
            for (const ProfileInfo& info : builtInProfiles())
                names.append(QFileInfo(info.path).completeBaseName());
            fail(QStringLiteral("no profile \"%1\": give a file or one of %2.")
                     .arg(name, names.join(QStringLiteral(", "))));
            return kExitUsage;
        }
        if (!window.openProfile(path)) {
            fail(QStringLiteral("cannot load the profile %1.").arg(path));
            return kExitUsage;
        }
    }
    if (parser.isSet(urlOption)) {
        HandshakeSpec spec = window.builder()->spec();
        spec.url = parser.value(urlOption);
        spec.syncRowsFromHelpers();
        window.builder()->setSpec(spec);
    }
    if (size.isValid())
        window.resize(size);
    else if (!screenshot.isEmpty())
        window.resize(1600, 1000);
    window.show();

    int exitCode = 0;
    if (!screenshot.isEmpty()) {
        auto grabAndQuit = [&window, &exitCode, screenshot] {
            selectNewestServerConnection(window);
            // Give batched views (connection lists, timers of 20–50 ms) a moment to show the last state.
            QTimer::singleShot(400, &window, [&window, &exitCode, screenshot] {
                if (!window.grab().save(screenshot)) {
                    fail(QStringLiteral("cannot write the screenshot %1.").arg(screenshot));
                    exitCode = 1;
                }
                QApplication::exit(exitCode);
            });
        };
        if (parser.isSet(connectOption))
            QObject::connect(&window, &MainWindow::exchangeFinished, &window, grabAndQuit, Qt::SingleShotConnection);
        else
            QTimer::singleShot(300, &window, grabAndQuit);
        QTimer::singleShot(kScreenshotTimeoutMs, &window, [&exitCode] {
            fail(QStringLiteral("the handshake did not finish in time; no screenshot was taken."));
            exitCode = 1;
            QApplication::exit(1);
        });
    }
    if (parser.isSet(connectOption))
        QTimer::singleShot(0, &window, &MainWindow::connectNow);

    const int code = QApplication::exec();
    return exitCode != 0 ? exitCode : code;
}

} // namespace wsi
