#include "ui/window/gui.h"

#include "engine/echoserver.h"
#include "engine/clientsession.h"
#include "ui/frames/framedetail.h"
#include "ui/frames/frameheaderview.h"
#include "ui/frames/framespanel.h"
#include "ui/builder/handshakebuilder.h"
#include "ui/window/mainwindow.h"
#include "ui/builder/profiles.h"
#include "core/policyschema.h"

#include <QAbstractItemModel>
#include <QCborMap>
#include <QCborValue>
#include <QtEndian>
#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QFileInfo>
#include <QTableView>
#include <QTimer>
#include <cstdio>
#include <cstring>

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
// A small MessagePack map, written by hand: {"sym": <sym>, "px": <px>, "qty": <qty>}.
QByteArray sampleMsgPack(const QByteArray& sym, double px, int qty)
{
    QByteArray out("\x83", 1);
    auto str = [&out](const QByteArray& text) {
        out += char(0xa0 | text.size());
        out += text;
    };
    str("sym");
    str(sym);
    str("px");
    out += char(0xcb);
    quint64 bits;
    std::memcpy(&bits, &px, sizeof bits);
    char be[8];
    qToBigEndian(bits, be);
    out += QByteArray(be, 8);
    str("qty");
    out += char(qty & 0x7f);
    return out;
}

// A session that looks like real traffic, for screenshots: JSON ticks, MessagePack and CBOR frames, pings,
// a fragmented message and a large one. Returns the index of a sent frame with a 16-bit length.
void sendDemoTraffic(ClientSession& session)
{
    const char* symbols[] = { "ABC", "XYZ", "QRS", "LMN" };
    for (int i = 0; i < 120; ++i) {
        const QByteArray sym = symbols[i % 4];
        if (i % 17 == 5) {
            session.sendPing(QByteArray("keepalive ") + QByteArray::number(i));
        } else if (i % 11 == 3) {
            session.sendMessage(Opcode::Binary, sampleMsgPack(sym, 100.0 + i * 0.25, i % 90));
        } else if (i % 13 == 7) {
            QCborMap map;
            map.insert(QStringLiteral("sym"), QString::fromLatin1(sym));
            map.insert(QStringLiteral("bid"), 99.5 + i * 0.125);
            map.insert(QStringLiteral("ask"), 99.75 + i * 0.125);
            session.sendMessage(Opcode::Binary, QCborValue(map).toCbor());
        } else if (i == 60) {
            SendOptions three;
            three.fragments = 3;
            session.sendMessage(Opcode::Text, R"({"type":"snapshot","book":[[101.0,5],[101.25,12],[101.5,3]]})", three);
        } else {
            session.sendMessage(Opcode::Text,
                QStringLiteral(R"({"type":"tick","sym":"%1","px":%2,"seq":%3})")
                    .arg(QString::fromLatin1(sym))
                    .arg(100.0 + i * 0.25)
                    .arg(i)
                    .toUtf8());
        }
    }
    QByteArray report = R"({"type":"report","rows":[)";
    for (int i = 0; i < 12; ++i)
        report += QStringLiteral(R"({"sym":"%1","fills":%2},)").arg(QString::fromLatin1(symbols[i % 4])).arg(i * 3).toUtf8();
    report.chop(1);
    report += "]}";
    SendOptions plain; // uncompressed, so its header carries a 16-bit length
    plain.compress = false;
    session.sendMessage(Opcode::Text, report, plain);
}

// The frame to show in a screenshot: the last frame sent with the given opcode, or received when `incoming`.
int findDemoFrame(const Transcript& t, quint8 opcode, bool incoming, quint64 minLength = 0)
{
    for (qsizetype i = t.frames().size() - 1; i >= 0; --i) {
        const FrameRecord& f = t.frames().at(i);
        if (f.opcode == opcode && (f.dir == Direction::In) == incoming && f.payloadLength >= minLength)
            return int(i);
    }
    return -1;
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
    // Every server policy flag of `serve` is also a window flag, prefixed with "server-" (from the policy schema).
    const QString serverPrefix = QStringLiteral("server-");
    QList<QCommandLineOption> policyOptions;
    for (const PolicyField& field : policyFields()) {
        const QString help = QStringLiteral("Local server: %1.").arg(QString::fromUtf8(field.help));
        if (field.flagStyle == FlagStyle::Switch) {
            policyOptions.append(QCommandLineOption(serverPrefix + QLatin1String(field.flag), help));
            if (field.negativeFlag)
                policyOptions.append(QCommandLineOption(serverPrefix + QLatin1String(field.negativeFlag), help));
        } else {
            policyOptions.append(QCommandLineOption(
                serverPrefix + QLatin1String(field.flag), help, QString::fromUtf8(field.valueName)));
        }
    }
    const QCommandLineOption serverPortOption(QStringLiteral("server-port"),
        QStringLiteral("Local server: listen on this port (default: any free port)."), QStringLiteral("PORT"),
        QStringLiteral("0"));
    const QCommandLineOption framesDemoOption(QStringLiteral("frames-demo"),
        QStringLiteral("After the handshake, send sample traffic (JSON, MessagePack, CBOR, pings) and show the frames."));
    const QCommandLineOption frameTabOption(QStringLiteral("frame-tab"),
        QStringLiteral("With --frames-demo: the detail tab to show (summary, text, tree, hex, header)."),
        QStringLiteral("TAB"), QStringLiteral("tree"));
    parser.addOptions({ profileOption, urlOption, connectOption, screenshotOption, sizeOption, serverPortOption,
        framesDemoOption, frameTabOption });
    parser.addOptions(policyOptions);
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
    const QStringList frameTabs { QStringLiteral("summary"), QStringLiteral("text"), QStringLiteral("tree"),
        QStringLiteral("hex"), QStringLiteral("header") };
    const int frameTab = frameTabs.indexOf(parser.value(frameTabOption));
    if (frameTab < 0) {
        fail(QStringLiteral("--frame-tab must be one of %1.").arg(frameTabs.join(QStringLiteral(", "))));
        return kExitUsage;
    }
    const bool framesDemo = parser.isSet(framesDemoOption);

    ServerPolicy policy = samplePolicy();
    PolicyFlags policyFlags(policy, serverPrefix);
    QString policyError;
    for (const QCommandLineOption& option : policyOptions) {
        const QString name = option.names().constFirst();
        if (!parser.isSet(option) || !policyError.isEmpty())
            continue;
        if (option.valueName().isEmpty()) {
            policyFlags.apply(name, std::nullopt, &policyError);
            continue;
        }
        for (const QString& value : parser.values(option)) {
            if (!policyFlags.apply(name, value, &policyError))
                break;
        }
    }
    if (policyError.isEmpty())
        policyFlags.finish(&policyError);
    if (!policyError.isEmpty()) {
        fail(policyError);
        return kExitUsage;
    }
    EchoServer server;
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
    if (framesDemo) {
        QObject::connect(&window, &MainWindow::exchangeFinished, &window, [&window, frameTab] {
            ClientSession* session = window.session();
            if (!session || session->phase() != ClientSession::Phase::Open)
                return;
            sendDemoTraffic(*session);
            window.showFramesTab();
            QTimer::singleShot(250, &window, [&window, frameTab] {
                if (!window.session())
                    return;
                FramesPanel* panel = window.framesPanel();
                const Transcript& t = window.session()->transcript();
                const bool header = frameTab == FrameDetail::HeaderTab;
                if (header) {
                    // The bit diagram is 32 bits wide: give the frames side the window, as a person would.
                    window.builderDock()->hide();
                    if (window.serverDock())
                        window.serverDock()->hide();
                }
                // The header view is most telling for a masked frame with an extended length; the tree for JSON.
                const int frame = header ? findDemoFrame(t, 1, false, 126) : findDemoFrame(t, 1, true);
                panel->selectFrame(frame);
                panel->detail()->setCurrentIndex(frameTab);
                if (header) {
                    const QList<HeaderField>& fields = panel->detail()->headerView()->fields();
                    for (int i = 0; i < fields.size(); ++i) {
                        if (fields.at(i).name == QLatin1String("masking key"))
                            panel->detail()->headerView()->selectField(i);
                    }
                }
            });
        }, Qt::SingleShotConnection);
    }
    if (!screenshot.isEmpty()) {
        auto grabAndQuit = [&window, &exitCode, screenshot, framesDemo] {
            selectNewestServerConnection(window);
            // Give batched views (connection lists, timers of 20–50 ms) a moment to show the last state.
            QTimer::singleShot(framesDemo ? 900 : 400, &window, [&window, &exitCode, screenshot] {
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
