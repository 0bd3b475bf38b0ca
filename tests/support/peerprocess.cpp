#include "peerprocess.h"

#include "testpaths.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QTest>

namespace wsi::test
{

namespace
{

// The Debian package python3-websockets is installed for the system interpreter only.
const QString systemPython = QStringLiteral("/usr/bin/python3");

bool runsSuccessfully(const QString& program, const QStringList& arguments, int timeoutMs)
{
    QProcess probe;
    probe.start(program, arguments);
    if (!QTest::qWaitFor([&] { return probe.state() == QProcess::NotRunning; }, timeoutMs)) {
        probe.kill();
        probe.waitForFinished();
        return false;
    }
    return probe.exitStatus() == QProcess::NormalExit && probe.exitCode() == 0;
}

QString pythonUnavailableReason()
{
    if (!QFileInfo(systemPython).isExecutable())
        return QStringLiteral("%1 not found (install python3)").arg(systemPython);
    if (!runsSuccessfully(systemPython, { QStringLiteral("-c"), QStringLiteral("import websockets") }, 10000))
        return QStringLiteral("Python websockets missing for %1 (install python3-websockets)").arg(systemPython);
    return {};
}

QString installedWsVersion(const QString& nodePeerDir)
{
    QFile manifest(nodePeerDir + QStringLiteral("/node_modules/ws/package.json"));
    if (!manifest.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(manifest.readAll()).object().value(QStringLiteral("version")).toString();
}

PeerLaunch unavailable(const QString& reason)
{
    return { nullptr, reason, {} };
}

PeerLaunch failed(const QString& error)
{
    return { nullptr, {}, error };
}

PeerProcess::Readiness readinessFor(const QStringList& arguments)
{
    const bool isServer = !arguments.isEmpty() && arguments.first() == QLatin1String("server");
    return isServer ? PeerProcess::Readiness::Listening : PeerProcess::Readiness::Started;
}

} // namespace

bool peersRequired()
{
    return qEnvironmentVariable("CI") == QLatin1String("true");
}

PeerLaunch PeerProcess::start(const QString& program, const QStringList& arguments, Readiness readiness, int timeoutMs)
{
    std::unique_ptr<PeerProcess> peer(new PeerProcess(program, arguments));
    if (!peer->m_process.waitForStarted(timeoutMs))
        return failed(QStringLiteral("could not start peer: ") + peer->diagnostics());
    if (readiness == Readiness::Listening
        && !QTest::qWaitFor([&] { return peer->m_port > 0 || !peer->isRunning(); }, timeoutMs)) {
        return failed(QStringLiteral("peer did not report 'listening PORT' in %1 ms: %2")
                          .arg(timeoutMs)
                          .arg(peer->diagnostics()));
    }
    if (readiness == Readiness::Listening && peer->m_port <= 0)
        return failed(QStringLiteral("peer exited before listening: ") + peer->diagnostics());
    return { std::move(peer), {}, {} };
}

PeerLaunch PeerProcess::pythonPeer(const QStringList& arguments)
{
    const QString reason = pythonUnavailableReason();
    if (!reason.isEmpty())
        return unavailable(reason);
    const QString script = peerScript(QStringLiteral("python/peer.py"));
    if (!QFileInfo::exists(script))
        return failed(QStringLiteral("peer script not found: ") + script);
    // -u: the peer flushes each line itself, unbuffered output is a second guarantee.
    return start(systemPython, QStringList { QStringLiteral("-u"), script } + arguments, readinessFor(arguments));
}

PeerLaunch PeerProcess::peer(const QString& kind, const QStringList& arguments)
{
    return kind == QLatin1String("python") ? pythonPeer(arguments) : nodePeer(arguments);
}

PeerLaunch PeerProcess::nodePeer(const QStringList& arguments)
{
    QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (node.isEmpty())
        node = QStandardPaths::findExecutable(QStringLiteral("nodejs"));
    if (node.isEmpty())
        return unavailable(QStringLiteral("node not found in PATH (install nodejs)"));
    const QString script = peerScript(QStringLiteral("node/peer.js"));
    if (!QFileInfo::exists(script))
        return failed(QStringLiteral("peer script not found: ") + script);
    const QString peerDir = QFileInfo(script).absolutePath();
    const QString wsVersion = installedWsVersion(peerDir);
    if (!wsVersion.startsWith(QLatin1String("8.")))
        return unavailable(QStringLiteral("node ws 8 not installed in %1 (run npm install there)").arg(peerDir));
    return start(node, QStringList { script } + arguments, readinessFor(arguments));
}

PeerProcess::PeerProcess(const QString& program, const QStringList& arguments)
{
    QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process, [this] { readStandardOutput(); });
    QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
        [this] { m_stderr += m_process.readAllStandardError(); });
    m_process.start(program, arguments);
}

PeerProcess::~PeerProcess()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.kill();
    m_process.waitForFinished(5000);
}

QUrl PeerProcess::url(const QString& path) const
{
    QUrl result;
    result.setScheme(QStringLiteral("ws"));
    result.setHost(QStringLiteral("127.0.0.1"));
    result.setPort(m_port);
    result.setPath(path);
    return result;
}

QList<QJsonObject> PeerProcess::eventsNamed(const QString& name) const
{
    QList<QJsonObject> matching;
    for (const QJsonObject& event : m_events) {
        if (event.value(QStringLiteral("event")).toString() == name)
            matching.append(event);
    }
    return matching;
}

std::optional<QJsonObject> PeerProcess::waitForEvent(const QString& name, int timeoutMs)
{
    const qsizetype wanted = m_eventsTaken.value(name) + 1;
    const auto arrived = [&] { return eventsNamed(name).size() >= wanted; };
    if (!QTest::qWaitFor([&] { return arrived() || !isRunning(); }, timeoutMs))
        return std::nullopt;
    // Output may still be in the pipe after the process ended, so check once more after it.
    readStandardOutput();
    if (!arrived())
        return std::nullopt;
    m_eventsTaken[name] = wanted;
    return eventsNamed(name).at(wanted - 1);
}

bool PeerProcess::waitForExit(int timeoutMs)
{
    const bool exited = QTest::qWaitFor([&] { return !isRunning(); }, timeoutMs);
    readStandardOutput();
    return exited;
}

QString PeerProcess::diagnostics() const
{
    QString state = isRunning() ? QStringLiteral("running") : QStringLiteral("exited with %1").arg(exitCode());
    if (m_process.error() != QProcess::UnknownError)
        state += QStringLiteral(", ") + m_process.errorString();
    QString unparsed;
    for (const QByteArray& line : m_unparsedLines)
        unparsed += QString::fromUtf8(line) + QLatin1Char('\n');
    return QStringLiteral("[%1 %2] %3\nunparsed stdout:\n%4stderr:\n%5")
        .arg(m_process.program(), m_process.arguments().join(QLatin1Char(' ')), state, unparsed,
            QString::fromUtf8(m_stderr));
}

void PeerProcess::readStandardOutput()
{
    m_pendingOutput += m_process.readAllStandardOutput();
    qsizetype newline;
    while ((newline = m_pendingOutput.indexOf('\n')) >= 0) {
        handleLine(m_pendingOutput.left(newline).trimmed());
        m_pendingOutput.remove(0, newline + 1);
    }
}

void PeerProcess::handleLine(const QByteArray& line)
{
    if (line.isEmpty())
        return;
    static const QByteArray listeningPrefix("listening ");
    if (line.startsWith(listeningPrefix)) {
        bool isNumber = false;
        const int port = line.mid(listeningPrefix.size()).toInt(&isNumber);
        if (isNumber && port > 0) {
            m_port = port;
            return;
        }
    }
    const QJsonDocument document = QJsonDocument::fromJson(line);
    if (document.isObject())
        m_events.append(document.object());
    else
        m_unparsedLines.append(line);
}

} // namespace wsi::test
