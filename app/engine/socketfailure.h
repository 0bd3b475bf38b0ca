#pragma once
// What Qt's sockets report, reduced to the facts core's describeFailure() words: shared by every client the engine
// runs (the WebSocket session and the login request), so the same failure reads the same everywhere.

#include "core/failuretext.h"

#include <QAbstractSocket>
#include <QSslError>

namespace wsi
{

CertificateProblem certificateProblem(QSslError::SslError error);
// The socket's error as a fact a person can act on; `text` is the socket's errorString().
TransportError transportError(QAbstractSocket::SocketError code, const QString& text);

} // namespace wsi
