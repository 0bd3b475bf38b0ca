#pragma once
// One login request: POST {"user", "password"} as JSON to a URL over plain TCP or TLS, and the answer as it came
// (status, every Set-Cookie header on its own, the body), or why there is none, in words. A bounded body and a
// timeout keep a server that never stops talking, or never answers, from holding it.

#include "core/failuretext.h"
#include "core/http.h"

#include <QObject>
#include <QUrl>
#include <memory>

namespace wsi
{

struct LoginRequest {
    QUrl url; // http://host:port/login or https://…
    QString user;
    QString password;
    bool insecure = false; // https: go on when the server's certificate cannot be verified
    int timeoutMs = 10'000; // for the whole exchange
    qint64 maxBodyBytes = 64 * 1024;
    HeadLimits headLimits;
};

struct LoginReply {
    int status = 0; // 0: no HTTP answer (see error)
    QByteArray reason;
    QList<QByteArray> setCookies; // each Set-Cookie header's value, in order
    QByteArray body;
    QString error; // why there is no answer, in words; empty when one came, whatever its status
    QStringList certificateProblems; // ignored because the request was insecure
    bool answered() const { return error.isEmpty(); }
};

class LoginClient : public QObject
{
    Q_OBJECT
public:
    explicit LoginClient(QObject* parent = nullptr);
    ~LoginClient() override;

    // Starts the request; finished() follows exactly once, also for a URL that cannot be used. A request still
    // running is abandoned first (without a signal).
    void post(const LoginRequest& request);
    bool isRunning() const;

Q_SIGNALS:
    void finished(const wsi::LoginReply& reply);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace wsi
