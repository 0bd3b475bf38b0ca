#include "browserharness.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

namespace wsi::test
{

namespace
{

const QString chromiumPath = QStringLiteral("/usr/bin/chromium");
constexpr qsizetype maxRequestBytes = 1024 * 1024;
constexpr qsizetype keptStderrBytes = 8192;

QStringList chromiumArguments(const QString& profileDir, const QUrl& page, const QStringList& extra)
{
    return QStringList { QStringLiteral("--headless=new"), QStringLiteral("--no-sandbox"),
        QStringLiteral("--disable-gpu"), QStringLiteral("--disable-quic"), QStringLiteral("--no-first-run"),
        QStringLiteral("--disable-background-networking"), QStringLiteral("--disable-component-update"),
        QStringLiteral("--disable-sync"), QStringLiteral("--user-data-dir=") + profileDir }
    + extra + QStringList { page.toString() };
}

// Chromium shuts its helper processes down on SIGTERM; SIGKILL is the fallback.
void endBrowser(QProcess& browser)
{
    if (browser.state() == QProcess::NotRunning)
        return;
    browser.terminate();
    if (!browser.waitForFinished(5000)) {
        browser.kill();
        browser.waitForFinished(5000);
    }
}

QByteArray httpResponse(const QByteArray& status, const QByteArray& contentType, const QByteArray& body)
{
    return "HTTP/1.1 " + status + "\r\nContent-Type: " + contentType + "\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n" + body;
}

qsizetype contentLength(const QByteArray& head)
{
    for (const QByteArray& line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == "content-length")
            return line.mid(colon + 1).trimmed().toLongLong();
    }
    return 0;
}

} // namespace

BrowserHarness::BrowserHarness(QObject* parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &BrowserHarness::acceptConnection);
    m_server.listen(QHostAddress::LocalHost, 0);
}

QString BrowserHarness::unavailableReason()
{
    if (!QFileInfo(chromiumPath).isExecutable())
        return chromiumPath + QStringLiteral(" not found (install chromium)");
    return {};
}

QString BrowserHarness::origin() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort());
}

QUrl BrowserHarness::pageUrl() const
{
    return QUrl(origin() + QStringLiteral("/page.html"));
}

std::optional<QJsonObject> BrowserHarness::run(const QByteArray& html, int timeoutMs)
{
    m_page = html;
    m_result.reset();
    m_lastError.clear();
    if (!isListening()) {
        m_lastError = QStringLiteral("the page server is not listening: ") + m_server.errorString();
        return std::nullopt;
    }
    if (!openUntil(
            pageUrl(), [this] { return m_result.has_value(); }, {}, timeoutMs))
        m_lastError.replace(QStringLiteral("the condition"), QStringLiteral("the page's report"));
    return m_result;
}

bool BrowserHarness::openUntil(
    const QUrl& url, const std::function<bool()>& done, const Options& options, int timeoutMs)
{
    m_lastError.clear();
    QTemporaryDir profile;
    if (!profile.isValid()) {
        m_lastError = QStringLiteral("no temporary profile directory: ") + profile.errorString();
        return false;
    }
    if (options.allowThirdPartyCookies) {
        // cookie_controls_mode 0: "allow third-party cookies", the setting's first choice.
        QDir(profile.path()).mkpath(QStringLiteral("Default"));
        QFile preferences(profile.filePath(QStringLiteral("Default/Preferences")));
        if (!preferences.open(QIODevice::WriteOnly)
            || preferences.write(R"({"profile":{"cookie_controls_mode":0,"block_third_party_cookies":false}})") < 0) {
            m_lastError = QStringLiteral("cannot write the profile's preferences: ") + preferences.errorString();
            return false;
        }
    }

    QProcess browser;
    QByteArray stderrTail;
    browser.setStandardOutputFile(QProcess::nullDevice());
    connect(&browser, &QProcess::readyReadStandardError, &browser,
        [&] { stderrTail = (stderrTail + browser.readAllStandardError()).right(keptStderrBytes); });
    browser.start(chromiumPath, chromiumArguments(profile.path(), url, options.extraArguments));
    bool reached = false;
    const bool settled = QTest::qWaitFor(
        [&] {
            reached = done();
            return reached || browser.state() == QProcess::NotRunning;
        },
        timeoutMs);
    if (!reached) {
        m_lastError = settled ? QStringLiteral("Chromium exited (%1) before the condition held").arg(browser.exitCode())
                              : QStringLiteral("the condition did not hold within %1 ms").arg(timeoutMs);
        m_lastError += QStringLiteral("\nChromium stderr (tail):\n") + QString::fromUtf8(stderrTail);
    }
    endBrowser(browser);
    return reached;
}

void BrowserHarness::acceptConnection()
{
    while (QTcpSocket* socket = m_server.nextPendingConnection()) {
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { readRequest(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_pendingRequests.remove(socket);
            socket->deleteLater();
        });
    }
}

void BrowserHarness::readRequest(QTcpSocket* socket)
{
    QByteArray& request = m_pendingRequests[socket];
    request += socket->readAll();
    const qsizetype headEnd = request.indexOf("\r\n\r\n");
    if (headEnd < 0 || request.size() > maxRequestBytes) {
        if (request.size() > maxRequestBytes)
            socket->abort();
        return;
    }
    const QByteArray head = request.left(headEnd);
    const qsizetype bodyStart = headEnd + 4;
    if (request.size() - bodyStart < contentLength(head))
        return;

    const QList<QByteArray> requestLine = head.left(head.indexOf("\r\n")).split(' ');
    const QByteArray method = requestLine.value(0);
    const QByteArray path = requestLine.value(1);
    const QByteArray body = request.mid(bodyStart, contentLength(head));
    m_pendingRequests.remove(socket);
    respond(socket, method, path, body);
}

void BrowserHarness::respond(
    QTcpSocket* socket, const QByteArray& method, const QByteArray& path, const QByteArray& body)
{
    if (method == "GET" && path == "/page.html") {
        socket->write(httpResponse("200 OK", "text/html; charset=utf-8", m_page));
    } else if (method == "POST" && path == "/result") {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
        m_result = document.isObject()
            ? document.object()
            : QJsonObject { { QStringLiteral("harnessError"),
                QStringLiteral("result is not a JSON object: ") + parseError.errorString() } };
        socket->write(httpResponse("204 No Content", "text/plain", {}));
    } else {
        socket->write(httpResponse("404 Not Found", "text/plain", "not found\n"));
    }
    socket->disconnectFromHost();
}

} // namespace wsi::test
