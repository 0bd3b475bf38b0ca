// The frames list under a firehose, offscreen: does the window keep up and stay responsive?
//
//   build/bench/bench_frames [--rate 100000] [--seconds 30] [--standard-seconds 10] [--e2e-seconds 10]
//
// 1. A producer on the GUI thread appends frames to a Transcript at --rate per second (in small batches on
//    a 1 ms timer, as the engine would from socket reads) while the real FramesPanel (FramesModel, filter
//    model, QTableView, auto-scroll on) follows it. Printed: worst and p99 event-loop stall (lateness of a
//    1 ms precise timer), frames per second ingested by the view, and resident memory per recorded frame
//    beyond its payload (VmRSS delta minus payload-store bytes, divided by frames).
// 2. The same with a QStandardItemModel (one row of items per frame) in the same kind of view, for
//    --standard-seconds (it is given less time because it cannot keep up; the producer then falls behind).
// 3. End to end: an in-process EchoServer flooded by a ClientSession at the highest rate it sustains while
//    one panel follows the client's record and another the server connection's; frame counts of both sides
//    must match and the stalls are printed. The flood stops early if it would reach the transcripts' frame
//    record cap (past it frames are counted, not recorded); the rate is then over the time it ran.

#include "engine/clientsession.h"
#include "engine/echoserver.h"
#include "ui/frames/framesfiltermodel.h"
#include "ui/frames/framesmodel.h"
#include "ui/frames/framespanel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QHeaderView>
#include <QScrollBar>
#include <QStandardItemModel>
#include <QTableView>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <functional>

using namespace wsi;

namespace
{

qint64 rssBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong() * 1024;
    }
    return -1;
}

// Lateness of a 1 ms timer: how long the event loop could not run anything.
class StallMeter : public QObject
{
public:
    StallMeter()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(1);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            if (m_last >= 0)
                m_stallsUs.push_back(qMax<qint64>(0, (now - m_last) / 1000 - 1000));
            m_last = now;
        });
    }
    void start()
    {
        m_stallsUs.clear();
        m_stallsUs.reserve(200'000);
        m_last = -1;
        m_clock.start();
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    double worstMs() const
    {
        return m_stallsUs.empty() ? 0 : double(*std::max_element(m_stallsUs.begin(), m_stallsUs.end())) / 1000.0;
    }
    double p99Ms() const
    {
        if (m_stallsUs.empty())
            return 0;
        std::vector<qint64> v = m_stallsUs;
        const size_t k = v.size() * 99 / 100;
        std::nth_element(v.begin(), v.begin() + qsizetype(k), v.end());
        return double(v[k]) / 1000.0;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = -1;
    std::vector<qint64> m_stallsUs;
};

void runFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

bool waitFor(const std::function<bool()>& done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < timeoutMs) {
        QEventLoop loop;
        QTimer::singleShot(5, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return done();
}

// Frames like a busy feed: mostly small JSON text, a ping now and then, masked like a client's.
void appendFrame(Transcript& t, qint64 i, qint64 timeUs)
{
    static const QByteArray payloads[]
        = { R"({"type":"tick","sym":"ABC","px":101.25})", R"({"type":"ack","id":1})", "hello", QByteArray(64, 'x') };
    const QByteArray& payload = payloads[i % 4];
    FrameHeader h;
    h.opcode = i % 50 == 49 ? 9 : 1;
    h.masked = (i % 2) == 0;
    h.maskKey = { 1, 2, 3, 4 };
    h.payloadLength = quint64(payload.size());
    h.headerSize = h.masked ? 6 : 2;
    const qint32 index = t.addFrame(h.masked ? Direction::Out : Direction::In, timeUs, h, payload);
    if (index >= 0 && h.opcode == 1)
        t.addMessage(h.masked ? Direction::Out : Direction::In, timeUs, 1, false, payload.size(), payload, index, 1);
}

struct ProducerResult {
    qint64 produced = 0;
    qint64 shown = 0;
    double seconds = 0;
    double worstMs = 0, p99Ms = 0;
    qint64 rssDelta = 0;
    qint64 payloadBytes = 0;
};

// Appends at `rate` per second for `seconds`, calling `afterBatch` (the standard model's feeding) per tick.
ProducerResult produce(Transcript& t, double rate, int seconds, const std::function<void()>& afterBatch,
    const std::function<qint64()>& shownRows)
{
    ProducerResult r;
    StallMeter meter;
    const qint64 rssBefore = rssBytes();
    QElapsedTimer clock;
    QTimer producer;
    producer.setTimerType(Qt::PreciseTimer);
    producer.setInterval(1);
    // At most 10 ms worth per tick: when the loop was blocked, the producer falls behind instead of
    // dumping a burst (that is what "ingested" measures).
    const qint64 maxBatch = qMax<qint64>(1, qint64(rate / 100));
    QObject::connect(&producer, &QTimer::timeout, [&] {
        const qint64 due = qint64(double(clock.nsecsElapsed()) / 1e9 * rate);
        const qint64 n = qMin(due - r.produced, maxBatch);
        const qint64 now = clock.nsecsElapsed() / 1000;
        for (qint64 i = 0; i < n; ++i)
            appendFrame(t, r.produced++, now);
        if (afterBatch)
            afterBatch();
    });
    clock.start();
    meter.start();
    producer.start();
    runFor(seconds * 1000);
    producer.stop();
    meter.stop();
    r.seconds = double(clock.nsecsElapsed()) / 1e9;
    // Let the view take in the last tick before counting what it shows.
    runFor(100);
    r.shown = shownRows();
    r.worstMs = meter.worstMs();
    r.p99Ms = meter.p99Ms();
    r.rssDelta = rssBytes() - rssBefore;
    r.payloadBytes = t.payloads().size();
    return r;
}

void printResult(const char* name, const ProducerResult& r, double rate)
{
    std::printf("%-22s target %8.0f/s  produced %9lld  shown %9lld  ingested %9.0f frames/s  stall worst %7.1f ms  "
                "p99 %6.2f ms  memory/frame beyond payload %6.1f B\n",
        name, rate, qlonglong(r.produced), qlonglong(r.shown), double(r.shown) / r.seconds, r.worstMs, r.p99Ms,
        r.produced > 0 ? double(r.rssDelta - r.payloadBytes) / double(r.produced) : 0.0);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption rateOption(
        QStringLiteral("rate"), QStringLiteral("Frames per second."), QStringLiteral("N"), QStringLiteral("100000"));
    const QCommandLineOption secondsOption(QStringLiteral("seconds"), QStringLiteral("Producer run, FramesModel."),
        QStringLiteral("S"), QStringLiteral("30"));
    const QCommandLineOption standardOption(QStringLiteral("standard-seconds"),
        QStringLiteral("Producer run, QStandardItemModel."), QStringLiteral("S"), QStringLiteral("10"));
    const QCommandLineOption e2eOption(
        QStringLiteral("e2e-seconds"), QStringLiteral("End-to-end flood."), QStringLiteral("S"), QStringLiteral("10"));
    parser.addOptions({ rateOption, secondsOption, standardOption, e2eOption });
    parser.addHelpOption();
    parser.process(app);
    const double rate = parser.value(rateOption).toDouble();
    const int seconds = parser.value(secondsOption).toInt();
    const int standardSeconds = parser.value(standardOption).toInt();
    const int e2eSeconds = parser.value(e2eOption).toInt();

    std::printf("bench_frames: offscreen, producer on the GUI thread, 1 ms stall meter\n");
    if (seconds > 0) {
        Transcript t(TranscriptLimits { .payloadBytes = qint64(4) << 30, .frames = 8'000'000, .messages = 8'000'000 });
        FramesPanel panel;
        panel.resize(1200, 800);
        panel.show();
        panel.showTranscript(&t, Role::Client);
        const ProducerResult r
            = produce(t, rate, seconds, {}, [&] { return qint64(panel.table()->model()->rowCount()); });
        const bool followed
            = panel.table()->verticalScrollBar()->value() == panel.table()->verticalScrollBar()->maximum();
        printResult("FramesModel+view", r, rate);
        std::printf(
            "%-22s auto-scroll at the newest row at the end: %s; sizeof(FrameRecord) %zu, sizeof(MessageRecord) %zu\n",
            "", followed ? "yes" : "no", sizeof(FrameRecord), sizeof(MessageRecord));
        // Filtering what was recorded: a payload search over every row.
        QElapsedTimer filterClock;
        filterClock.start();
        FrameFilter f;
        f.text = QStringLiteral("ack");
        panel.filterModel()->setFilter(f);
        const qint64 searchMs = filterClock.elapsed();
        const int searchRows = panel.filterModel()->rowCount();
        filterClock.restart();
        f = {};
        f.control = false;
        panel.filterModel()->setFilter(f);
        const qint64 controlMs = filterClock.elapsed();
        std::printf("%-22s filter over %lld rows: payload search %lld ms (%d rows), hide control %lld ms (%d rows)\n",
            "", qlonglong(t.frames().size()), qlonglong(searchMs), searchRows, qlonglong(controlMs),
            panel.filterModel()->rowCount());
        panel.hide();
    }
    if (standardSeconds > 0) {
        Transcript t(TranscriptLimits { .payloadBytes = qint64(4) << 30, .frames = 8'000'000, .messages = 8'000'000 });
        QStandardItemModel model;
        model.setColumnCount(FramesModel::Count);
        QTableView view;
        view.setModel(&model);
        view.verticalHeader()->hide();
        view.verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
        view.resize(1200, 800);
        view.show();
        qint64 fed = 0;
        auto feed = [&] {
            // The same columns as FramesModel, as item text, one appendRow per frame.
            const ChunkedList<FrameRecord>& frames = t.frames();
            for (; fed < frames.size(); ++fed) {
                const FrameRecord& fr = frames.at(fed);
                QList<QStandardItem*> row;
                row.reserve(FramesModel::Count);
                row << new QStandardItem(QString::number(fed + 1))
                    << new QStandardItem(QString::number(double(fr.timeUs) / 1e6, 'f', 6))
                    << new QStandardItem(QStringLiteral("0.000"))
                    << new QStandardItem(fr.dir == Direction::Out ? QStringLiteral("→") : QStringLiteral("←"))
                    << new QStandardItem(opcodeName(fr.opcode)) << new QStandardItem(QString::number(int(fr.fin)))
                    << new QStandardItem(QStringLiteral("000")) << new QStandardItem(QString::number(int(fr.masked)))
                    << new QStandardItem(QString::number(fr.payloadLength))
                    << new QStandardItem(QString::number(fr.message + 1))
                    << new QStandardItem(QString::fromUtf8(t.framePayload(fr).left(80)));
                model.appendRow(row);
            }
            view.scrollToBottom();
        };
        const ProducerResult r = produce(t, rate, standardSeconds, feed, [&] { return qint64(model.rowCount()); });
        printResult("QStandardItemModel", r, rate);
        std::printf("%-22s (run for %d s, not %d: fed the same way it cannot keep up, so the producer falls behind)\n",
            "", standardSeconds, seconds);
    }
    if (e2eSeconds > 0) {
        // End to end over loopback.
        EchoServer server;
        server.setPayloadBudgetPerConnection(qint64(1) << 30);
        ServerPolicy policy;
        policy.deflate.enabled = false;
        server.setPolicy(policy);
        if (!server.listen(QHostAddress::LocalHost, 0)) {
            std::printf("end to end: the echo server could not listen\n");
            return 1;
        }
        ClientSession session;
        session.start(HandshakeSpec::withDefaults(server.url().toString()));
        if (!waitFor([&] { return session.phase() == ClientSession::Phase::Open; }, 5000)) {
            std::printf("end to end: the session did not open\n");
            return 1;
        }
        ServerConnection* connection = server.connections().last();
        FramesPanel clientPanel, serverPanel;
        clientPanel.resize(1200, 600);
        serverPanel.resize(1200, 600);
        clientPanel.show();
        serverPanel.show();
        clientPanel.showTranscript(&session.transcript(), Role::Client, &session);
        serverPanel.showTranscript(&connection->transcript(), Role::Server, connection);
        runFor(300); // first layout and paint of the panels are not the flood's doing
        StallMeter meter;
        const QByteArray payload(R"({"type":"tick","sym":"ABC","px":101.25})");
        qint64 sent = 0;
        auto echoedIn = [&] { return qint64(session.transcript().frames().size()) - sent; };
        QTimer flood;
        flood.setInterval(0);
        QElapsedTimer clock;
        // Each message costs two frame records in each transcript (sent and echoed). Past the record cap
        // frames are only counted, so the flood stops short of it (less the most that can be in flight).
        const qint64 maxMessages
            = qMin(session.transcript().limits().frames, connection->transcript().limits().frames) / 2 - 4000;
        qint64 cappedAtNs = -1;
        // Keep a bounded number in flight: as many as the server echoes, the fastest it sustains.
        QObject::connect(&flood, &QTimer::timeout, [&] {
            const qint64 inFlight = sent - echoedIn();
            for (qint64 i = inFlight; i < 4000 && i - inFlight < 1000; ++i) {
                if (sent >= maxMessages) {
                    if (cappedAtNs < 0)
                        cappedAtNs = clock.nsecsElapsed();
                    return;
                }
                if (!session.sendMessage(Opcode::Text, payload))
                    return;
                ++sent;
            }
        });
        clock.start();
        meter.start();
        flood.start();
        runFor(e2eSeconds * 1000);
        flood.stop();
        const double secs = double(cappedAtNs >= 0 ? cappedAtNs : clock.nsecsElapsed()) / 1e9;
        waitFor([&] { return echoedIn() == sent; }, 10'000);
        runFor(100);
        meter.stop();
        const qint64 clientOut = sent, clientIn = echoedIn();
        qint64 serverIn = 0, serverOut = 0;
        for (const FrameRecord& f : connection->transcript().frames())
            (f.dir == Direction::In ? serverIn : serverOut) += 1;
        std::printf(
            "end to end (%.1f s%s)    client sent %lld, server received %lld, server echoed %lld, client received %lld "
            "-> %s; %.0f messages/s each way; panels show %d and %d rows (of %lld and %lld); stall worst %.1f ms, "
            "p99 %.2f ms\n",
            secs, cappedAtNs >= 0 ? ", stopped at the frame record cap" : "", qlonglong(clientOut), qlonglong(serverIn),
            qlonglong(serverOut), qlonglong(clientIn),
            clientOut == serverIn && serverOut == clientIn && serverIn == serverOut ? "no frames lost" : "MISMATCH",
            double(clientOut) / secs, clientPanel.table()->model()->rowCount(),
            serverPanel.table()->model()->rowCount(), qlonglong(session.transcript().frames().size()),
            qlonglong(connection->transcript().frames().size()), meter.worstMs(), meter.p99Ms());
    }
    return 0;
}
