#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QTcpServer>
#include <QUrl>
#include <functional>
#include <optional>

class QTcpSocket;

namespace wsi::test
{

// Runs a page in headless Chromium and collects what it reports. A tiny HTTP server on
// 127.0.0.1 serves the page at /page.html and accepts the page's verdict as
// fetch('/result', {method: 'POST', body: JSON.stringify(...)}). The server listens from
// construction on, so origin() is known before the page is written.
class BrowserHarness : public QObject
{
    Q_OBJECT

public:
    static constexpr int defaultTimeoutMs = 30000;

    explicit BrowserHarness(QObject* parent = nullptr);

    // Empty when Chromium is installed; otherwise why not (skip, or fail when peers are required).
    static QString unavailableReason();

    bool isListening() const { return m_server.isListening(); }
    // http://127.0.0.1:PORT: the origin the page's WebSocket handshakes carry.
    QString origin() const;
    QUrl pageUrl() const;

    // Serves `html`, opens it in a fresh Chromium profile, waits for the page to post its
    // result, then ends the browser and removes the profile. Empty on timeout; see lastError().
    std::optional<QJsonObject> run(const QByteArray& html, int timeoutMs = defaultTimeoutMs);

    struct Options {
        QStringList extraArguments; // e.g. --ignore-certificate-errors for a self-signed wss server
        // A profile set to allow third-party cookies, as a desktop browser is by default; a fresh headless profile
        // blocks them.
        bool allowThirdPartyCookies = false;
    };
    // Opens `url` (any server's page) in a fresh Chromium profile and waits until `done()` holds, checked while the
    // event loop runs, then ends the browser. False on timeout or when Chromium exits first; see lastError().
    bool openUntil(
        const QUrl& url, const std::function<bool()>& done, const Options& options, int timeoutMs = defaultTimeoutMs);
    QString lastError() const { return m_lastError; }

private:
    void acceptConnection();
    void readRequest(QTcpSocket* socket);
    void respond(QTcpSocket* socket, const QByteArray& method, const QByteArray& path, const QByteArray& body);

    // Declared before the server: members are destroyed in reverse order, and the server's child
    // sockets report their disconnection into this table while the server is being destroyed.
    QHash<QTcpSocket*, QByteArray> m_pendingRequests;
    QTcpServer m_server;
    QByteArray m_page;
    std::optional<QJsonObject> m_result;
    QString m_lastError;
};

} // namespace wsi::test
