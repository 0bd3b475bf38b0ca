#include "ui/window/screenshotharness.h"

#include "engine/clientsession.h"
#include "ui/frames/framedetail.h"
#include "ui/frames/frameheaderview.h"
#include "ui/frames/framespanel.h"
#include "ui/window/gui.h"
#include "ui/window/mainwindow.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QCborMap>
#include <QCborValue>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QTableView>
#include <QTimer>
#include <QtEndian>
#include <cstring>

namespace wsi
{

namespace
{
constexpr int kScreenshotTimeoutMs = 20'000;

const QStringList& frameTabNames()
{
    static const QStringList names { QStringLiteral("summary"), QStringLiteral("text"), QStringLiteral("tree"),
        QStringLiteral("hex"), QStringLiteral("header") };
    return names;
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
// a fragmented message and a large one.
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
        report += QStringLiteral(R"({"sym":"%1","fills":%2},)")
                      .arg(QString::fromLatin1(symbols[i % 4]))
                      .arg(i * 3)
                      .toUtf8();
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

// Selects the demo's most telling frame and detail tab once its traffic has been recorded.
void showDemoFrame(MainWindow& window, int frameTab)
{
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
}
} // namespace

ScreenshotHarness::ScreenshotHarness()
    : m_screenshotOption(QStringLiteral("screenshot"),
        QStringLiteral("After the handshake, save the window as a PNG and exit."), QStringLiteral("FILE"))
    , m_framesDemoOption(QStringLiteral("frames-demo"),
          QStringLiteral(
              "After the handshake, send sample traffic (JSON, MessagePack, CBOR, pings) and show the frames."))
    , m_frameTabOption(QStringLiteral("frame-tab"),
          QStringLiteral("With --frames-demo: the detail tab to show (summary, text, tree, hex, header)."),
          QStringLiteral("TAB"), QStringLiteral("tree"))
{
}

void ScreenshotHarness::addOptions(QCommandLineParser& parser) const
{
    parser.addOptions({ m_screenshotOption, m_framesDemoOption, m_frameTabOption });
}

bool ScreenshotHarness::readOptions(const QCommandLineParser& parser, QString* error)
{
    m_file = parser.value(m_screenshotOption);
    m_framesDemo = parser.isSet(m_framesDemoOption);
    m_frameTab = int(frameTabNames().indexOf(parser.value(m_frameTabOption)));
    if (m_frameTab < 0) {
        *error = QStringLiteral("--frame-tab must be one of %1.").arg(frameTabNames().join(QStringLiteral(", ")));
        return false;
    }
    return true;
}

void ScreenshotHarness::attach(MainWindow& window, bool connecting)
{
    if (m_framesDemo) {
        QObject::connect(
            &window, &MainWindow::exchangeFinished, &window,
            [&window, frameTab = m_frameTab] {
                ClientSession* session = window.session();
                if (!session || session->phase() != ClientSession::Phase::Open)
                    return;
                sendDemoTraffic(*session);
                window.showFramesTab();
                QTimer::singleShot(250, &window, [&window, frameTab] { showDemoFrame(window, frameTab); });
            },
            Qt::SingleShotConnection);
    }
    if (!takesScreenshot())
        return;
    auto grabAndQuit = [this, &window] {
        selectNewestServerConnection(window);
        // Give batched views (connection lists, timers of 20–50 ms) a moment to show the last state.
        QTimer::singleShot(m_framesDemo ? 900 : 400, &window, [this, &window] {
            if (!window.grab().save(m_file)) {
                printGuiError(QStringLiteral("cannot write the screenshot %1.").arg(m_file));
                m_exitCode = 1;
            }
            QApplication::exit(m_exitCode);
        });
    };
    if (connecting)
        QObject::connect(&window, &MainWindow::exchangeFinished, &window, grabAndQuit, Qt::SingleShotConnection);
    else
        QTimer::singleShot(300, &window, grabAndQuit);
    QTimer::singleShot(kScreenshotTimeoutMs, &window, [this] {
        printGuiError(QStringLiteral("the handshake did not finish in time; no screenshot was taken."));
        m_exitCode = 1;
        QApplication::exit(1);
    });
}

} // namespace wsi
