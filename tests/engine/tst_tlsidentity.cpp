// The self-signed identity `serve --tls` makes at start: what it contains, that a verifying TLS
// client accepts it for every loopback name, and that loading a certificate and key from files works
// and fails with readable reasons.

#include "engine/tlsidentity.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QFile>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QSslServer>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace wsi;

class TstTlsIdentity : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (!QSslSocket::supportsSsl())
            QFAIL("Qt has no working TLS backend; the engine needs the OpenSSL plugin");
    }

    void generatedCertificateContents()
    {
        QString error;
        const std::optional<TlsIdentity> identity = generateSelfSignedIdentity(&error);
        QVERIFY2(identity, qPrintable(error));
        const QSslCertificate& cert = identity->certificate;
        QVERIFY(!cert.isNull());
        // Self-issued; Qt's isSelfSigned() also wants keyCertSign, which a leaf with CA:FALSE must not carry.
        QCOMPARE(cert.issuerDisplayName(), cert.subjectDisplayName());
        QCOMPARE(cert.version(), QByteArray("3"));
        QCOMPARE(cert.subjectInfo(QSslCertificate::CommonName), QStringList { QStringLiteral("localhost") });

        const auto san = cert.subjectAlternativeNames();
        QCOMPARE(san.values(QSsl::DnsEntry), QList<QString> { QStringLiteral("localhost") });
        QList<QHostAddress> ips;
        for (const QString& ip : san.values(QSsl::IpAddressEntry))
            ips.append(QHostAddress(ip));
        QCOMPARE(ips.size(), 2);
        QVERIFY(ips.contains(QHostAddress(QHostAddress::LocalHost)));
        QVERIFY(ips.contains(QHostAddress(QHostAddress::LocalHostIPv6)));

        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(cert.effectiveDate() <= now);
        QVERIFY(cert.expiryDate() > now.addDays(29));
        QVERIFY(cert.expiryDate() < now.addDays(31));

        QVERIFY(!identity->key.isNull());
        QCOMPARE(identity->key.type(), QSsl::PrivateKey);
        QCOMPARE(identity->key.algorithm(), QSsl::Ec);

        const QString fingerprint = identity->fingerprintSha256();
        QCOMPARE(fingerprint.size(), 32 * 3 - 1);
        QVERIFY(QRegularExpression(QStringLiteral("^([0-9A-F]{2}:){31}[0-9A-F]{2}$")).match(fingerprint).hasMatch());
    }

    void everyIdentityIsNew()
    {
        const auto a = generateSelfSignedIdentity();
        const auto b = generateSelfSignedIdentity();
        QVERIFY(a && b);
        QVERIFY(a->fingerprintSha256() != b->fingerprintSha256());
        QVERIFY(a->certificate.serialNumber() != b->certificate.serialNumber());
    }

    void verifyingClientAcceptsEveryLoopbackName_data()
    {
        QTest::addColumn<QString>("peerName");
        QTest::newRow("localhost") << QStringLiteral("localhost");
        QTest::newRow("127.0.0.1") << QStringLiteral("127.0.0.1");
        QTest::newRow("::1") << QStringLiteral("::1");
    }

    void verifyingClientAcceptsEveryLoopbackName()
    {
        QFETCH(QString, peerName);
        const auto identity = generateSelfSignedIdentity();
        QVERIFY(identity);
        QList<QSslError> errors;
        QVERIFY2(handshake(*identity, peerName, &errors), qPrintable(describe(errors)));
        QVERIFY2(errors.isEmpty(), qPrintable(describe(errors)));
    }

    void verifyingClientRejectsOtherNames()
    {
        const auto identity = generateSelfSignedIdentity();
        QVERIFY(identity);
        QList<QSslError> errors;
        handshake(*identity, QStringLiteral("example.com"), &errors);
        bool mismatch = false;
        for (const QSslError& e : errors)
            mismatch = mismatch || e.error() == QSslError::HostNameMismatch;
        QVERIFY2(mismatch, qPrintable(describe(errors)));
    }

    void loadsWhatWasWritten()
    {
        const auto identity = generateSelfSignedIdentity();
        QVERIFY(identity);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString certPath = dir.filePath(QStringLiteral("cert.pem"));
        const QString keyPath = dir.filePath(QStringLiteral("key.pem"));
        QVERIFY(writeFile(certPath, identity->certificate.toPem()));
        QVERIFY(writeFile(keyPath, identity->key.toPem()));

        QString error;
        const auto loaded = loadTlsIdentity(certPath, keyPath, &error);
        QVERIFY2(loaded, qPrintable(error));
        QCOMPARE(loaded->certificate, identity->certificate);
        QCOMPARE(loaded->key.toPem(), identity->key.toPem());
        QCOMPARE(loaded->fingerprintSha256(), identity->fingerprintSha256());
    }

    void loadFailuresSayWhy()
    {
        QTemporaryDir dir;
        const QString garbage = dir.filePath(QStringLiteral("garbage.pem"));
        QVERIFY(writeFile(garbage, "not a certificate\n"));
        const QString missing = dir.filePath(QStringLiteral("missing.pem"));

        QString error;
        QVERIFY(!loadTlsIdentity(missing, garbage, &error));
        QVERIFY2(error.contains(QStringLiteral("Cannot read the certificate file")), qPrintable(error));

        QVERIFY(!loadTlsIdentity(garbage, garbage, &error));
        QVERIFY2(error.contains(QStringLiteral("no certificate")), qPrintable(error));

        const auto identity = generateSelfSignedIdentity();
        QVERIFY(identity);
        const QString certPath = dir.filePath(QStringLiteral("cert.pem"));
        QVERIFY(writeFile(certPath, identity->certificate.toPem()));
        QVERIFY(!loadTlsIdentity(certPath, garbage, &error));
        QVERIFY2(error.contains(QStringLiteral("no unencrypted")), qPrintable(error));
    }

private:
    static bool writeFile(const QString& path, const QByteArray& bytes)
    {
        QFile file(path);
        return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
    }

    static QString describe(const QList<QSslError>& errors)
    {
        QStringList lines;
        for (const QSslError& e : errors)
            lines.append(e.errorString());
        return lines.join(QStringLiteral("; "));
    }

    // A TLS handshake over loopback with a client that trusts only this certificate and checks `peerName`.
    static bool handshake(const TlsIdentity& identity, const QString& peerName, QList<QSslError>* errors)
    {
        QSslServer server;
        QSslConfiguration serverConfig = QSslConfiguration::defaultConfiguration();
        serverConfig.setLocalCertificate(identity.certificate);
        serverConfig.setPrivateKey(identity.key);
        serverConfig.setPeerVerifyMode(QSslSocket::VerifyNone);
        server.setSslConfiguration(serverConfig);
        const bool v6 = peerName == QStringLiteral("::1");
        if (!server.listen(v6 ? QHostAddress::LocalHostIPv6 : QHostAddress::LocalHost, 0)) {
            if (v6)
                QTest::qSkip("IPv6 loopback is not available here", __FILE__, __LINE__);
            return false;
        }

        QSslSocket client;
        QSslConfiguration clientConfig = QSslConfiguration::defaultConfiguration();
        clientConfig.setCaCertificates({ identity.certificate });
        clientConfig.setPeerVerifyMode(QSslSocket::VerifyPeer);
        client.setSslConfiguration(clientConfig);
        QObject::connect(&client, &QSslSocket::sslErrors, &client,
            [errors](const QList<QSslError>& list) { errors->append(list); });
        QSignalSpy encrypted(&client, &QSslSocket::encrypted);
        QSignalSpy failed(&client, &QAbstractSocket::errorOccurred);
        client.connectToHostEncrypted(v6 ? QStringLiteral("::1") : QStringLiteral("127.0.0.1"), server.serverPort(),
            peerName);
        return QTest::qWaitFor([&] { return encrypted.count() > 0 || failed.count() > 0; }, 10000)
            && encrypted.count() > 0;
    }
};

QTEST_MAIN(TstTlsIdentity)
#include "tst_tlsidentity.moc"
