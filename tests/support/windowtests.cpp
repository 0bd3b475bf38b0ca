#include "support/windowtests.h"

#include "engine/echoserver.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QStandardPaths>

namespace wsi::test
{

void isolateSettings(const char* applicationName)
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("wsinspector-tests"));
    QCoreApplication::setApplicationName(QString::fromLatin1(applicationName));
}

std::unique_ptr<EchoServer> startLocalServer(const ServerPolicy& policy)
{
    auto server = std::make_unique<EchoServer>();
    server->setPolicy(policy);
    QString error;
    if (!server->listen(QHostAddress::LocalHost, 0, &error))
        qWarning("listen failed: %s", qPrintable(error));
    return server;
}

} // namespace wsi::test
