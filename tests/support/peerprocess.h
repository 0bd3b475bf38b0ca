#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QStringList>
#include <QUrl>
#include <memory>
#include <optional>

namespace wsi::test
{

class PeerProcess;

// The outcome of starting a peer. Exactly one of the three is set: the running peer, the
// reason its runtime is missing (skip the test, except in CI), or why it failed to start.
struct PeerLaunch {
    std::unique_ptr<PeerProcess> peer;
    QString unavailableReason;
    QString error;
};

// CI installs every peer: there a missing peer is a failure, never a skip.
bool peersRequired();

// A third-party WebSocket peer (tests/peers/*) running as a child process. It speaks one
// line per event on stdout: "listening PORT" once a server is ready, JSON objects otherwise.
// The process is killed when this object is destroyed.
class PeerProcess
{
public:
    enum class Readiness { Started, Listening };

    static constexpr int defaultTimeoutMs = 15000;

    static PeerLaunch start(
        const QString& program, const QStringList& arguments, Readiness readiness, int timeoutMs = defaultTimeoutMs);

    // tests/peers/python/peer.py or tests/peers/node/peer.js with the given arguments; a
    // first argument "server" waits for the peer to listen.
    static PeerLaunch pythonPeer(const QStringList& arguments);
    static PeerLaunch nodePeer(const QStringList& arguments);
    // "python" or "node": the same peer CLI from either library, so a test can run one case against both.
    static PeerLaunch peer(const QString& kind, const QStringList& arguments);

    PeerProcess(const PeerProcess&) = delete;
    PeerProcess& operator=(const PeerProcess&) = delete;
    ~PeerProcess();

    int port() const { return m_port; }
    QUrl url(const QString& path = QStringLiteral("/")) const;

    // Every JSON line received so far, in order.
    const QList<QJsonObject>& events() const { return m_events; }
    QList<QJsonObject> eventsNamed(const QString& name) const;

    // The next event called `name` that an earlier call has not returned yet; waits for it
    // while the event loop runs. Empty on timeout or when the peer exits first.
    std::optional<QJsonObject> waitForEvent(const QString& name, int timeoutMs = defaultTimeoutMs);
    bool waitForExit(int timeoutMs = defaultTimeoutMs);

    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    int exitCode() const { return m_process.exitCode(); }
    QByteArray standardError() const { return m_stderr; }
    // Command line, state, exit code and stderr: for QVERIFY2 messages.
    QString diagnostics() const;

private:
    PeerProcess(const QString& program, const QStringList& arguments);
    void readStandardOutput();
    void handleLine(const QByteArray& line);

    QProcess m_process;
    QByteArray m_pendingOutput;
    QByteArray m_stderr;
    QList<QJsonObject> m_events;
    QHash<QString, qsizetype> m_eventsTaken;
    QList<QByteArray> m_unparsedLines;
    int m_port = -1;
};

} // namespace wsi::test

// Ends the calling test unless `launch` holds a running peer: skips when the peer's runtime
// is missing (fails instead when peers are required), fails when the peer did not start.
#define WSI_REQUIRE_PEER(launch)                                                                                       \
    do {                                                                                                               \
        if (!(launch).peer) {                                                                                          \
            if (!(launch).unavailableReason.isEmpty() && !wsi::test::peersRequired())                                  \
                QSKIP(qPrintable((launch).unavailableReason));                                                         \
            QFAIL(qPrintable((launch).unavailableReason.isEmpty()                                                      \
                    ? (launch).error                                                                                   \
                    : (launch).unavailableReason + QStringLiteral(" (CI=true: every peer is required)")));             \
        }                                                                                                              \
    } while (false)
