// describeFailure(): each way a connection attempt fails gets one sentence that says what happened and
// what to try, built from the facts alone; the library's own words appear only when nothing plainer is known.
#include "core/failuretext.h"

#include <QTest>

using namespace wsi;

namespace
{
FailureFacts factsFor(ClientFailure kind, bool tls = false)
{
    FailureFacts facts;
    facts.kind = kind;
    facts.host = QStringLiteral("127.0.0.1");
    facts.port = 4242;
    facts.tls = tls;
    return facts;
}
} // namespace

class tst_FailureText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sentences_data();
    void sentences();
    void certificateFixNamesTheFrontEndsOption();
    void hintIsPartOfTheSentence();
    void tlsRecordBytesAreRecognised_data();
    void tlsRecordBytesAreRecognised();
};

void tst_FailureText::sentences_data()
{
    QTest::addColumn<FailureFacts>("facts");
    QTest::addColumn<QString>("expected");

    FailureFacts refused = factsFor(ClientFailure::Connect);
    refused.transport = TransportError::ConnectionRefused;
    refused.transportText = QStringLiteral("Connection refused");
    QTest::newRow("connection refused")
        << refused
        << "Connection refused: nothing listens on 127.0.0.1:4242 (is the server running, and on this port?).";

    FailureFacts unknownHost = factsFor(ClientFailure::Connect);
    unknownHost.host = QStringLiteral("nonexistent.invalid");
    unknownHost.transport = TransportError::HostNotFound;
    QTest::newRow("no such host") << unknownHost
                                  << "No such host: nonexistent.invalid could not be resolved (check the spelling of "
                                     "the host name).";

    FailureFacts ipv6 = refused;
    ipv6.host = QStringLiteral("::1");
    QTest::newRow("IPv6 host in brackets")
        << ipv6 << "Connection refused: nothing listens on [::1]:4242 (is the server running, and on this port?).";

    FailureFacts notTls = factsFor(ClientFailure::Tls, true);
    notTls.transport = TransportError::TlsNotSpoken;
    notTls.transportText = QStringLiteral("error:0A00010B:SSL routines::wrong version number");
    QTest::newRow("wss:// to a plain server")
        << notTls
        << "The server at 127.0.0.1:4242 answered with something other than TLS (is it a plain ws:// server? try "
           "ws://).";

    FailureFacts alert = factsFor(ClientFailure::Tls, true);
    alert.transport = TransportError::TlsHandshakeFailed;
    alert.transportText = QStringLiteral("error:0A000410:SSL routines::sslv3 alert handshake failure");
    QTest::newRow("other TLS failure loses OpenSSL's prefix")
        << alert << "The TLS handshake with 127.0.0.1:4242 failed: sslv3 alert handshake failure.";

    FailureFacts tlsAnswer = factsFor(ClientFailure::ProtocolViolation);
    tlsAnswer.received = QByteArray::fromHex("15030300020246");
    tlsAnswer.detail = QStringLiteral("The response is not valid HTTP (byte 0): bad start line");
    QTest::newRow("ws:// answered with a TLS alert") << tlsAnswer << "The server answered with TLS: use wss://.";

    FailureFacts tlsAnswerOnWss = tlsAnswer;
    tlsAnswerOnWss.tls = true;
    QTest::newRow("TLS bytes inside TLS are just not HTTP") << tlsAnswerOnWss << tlsAnswer.detail;

    FailureFacts silentClose = factsFor(ClientFailure::ProtocolViolation);
    silentClose.transport = TransportError::RemoteClosed;
    silentClose.timings.requestWritten = 100;
    silentClose.detail = QStringLiteral("unused");
    QTest::newRow("ws:// closed without an answer")
        << silentClose
        << "The server closed the connection without answering the handshake (a TLS server does this to plain HTTP: "
           "if it expects TLS, try wss://).";

    FailureFacts tlsTimeout = factsFor(ClientFailure::Timeout, true);
    tlsTimeout.timings.lookupDone = 1;
    tlsTimeout.timings.connected = 2;
    tlsTimeout.timeoutMs = 5000;
    QTest::newRow("TLS handshake never answered") << tlsTimeout
                                                  << "The TLS handshake with 127.0.0.1:4242 did not finish within 5000 "
                                                     "ms (the server sent no TLS answer: is it a "
                                                     "plain ws:// server? try ws://).";

    FailureFacts connectTimeout = factsFor(ClientFailure::Timeout);
    connectTimeout.timeoutMs = 300;
    QTest::newRow("connect timeout")
        << connectTimeout
        << "Could not connect to 127.0.0.1:4242 within 300 ms (the host may be down, or a firewall drops the "
           "connection).";

    FailureFacts refusal = factsFor(ClientFailure::NotUpgraded);
    refusal.detail = QStringLiteral("The server answered 403 Forbidden instead of switching protocols.");
    QTest::newRow("a refusal keeps the engine's sentence") << refusal << refusal.detail;
}

void tst_FailureText::sentences()
{
    QFETCH(FailureFacts, facts);
    QFETCH(QString, expected);
    const FailureText text = describeFailure(facts);
    QCOMPARE(text.message, expected);
    QVERIFY(!text.message.contains(QLatin1String("SSL routines")));
}

void tst_FailureText::certificateFixNamesTheFrontEndsOption()
{
    FailureFacts facts = factsFor(ClientFailure::Tls, true);
    facts.transport = TransportError::TlsHandshakeFailed;
    facts.transportText = QStringLiteral("The certificate is self-signed, and untrusted");
    facts.certificateProblems = { CertificateProblem::SelfSigned };
    facts.certificateTexts = { QStringLiteral("The certificate is self-signed, and untrusted") };

    const FailureText cli = describeFailure(facts, FailureAudience::CommandLine);
    QCOMPARE(cli.message,
        QStringLiteral(
            "The server's certificate for 127.0.0.1 is not trusted: it is self-signed (add --cacert FILE with "
            "that certificate to trust it, or --insecure to connect without verifying)."));
    QCOMPARE(cli.message.count(QLatin1String("--insecure")), 1);
    QCOMPARE(cli.message.count(QLatin1String("--cacert")), 1);

    const FailureText window = describeFailure(facts, FailureAudience::Window);
    QVERIFY(window.message.contains(QLatin1String("it is self-signed")));
    QVERIFY(window.message.contains(QLatin1String("Skip certificate verification")));
    QVERIFY(!window.message.contains(QLatin1String("--")));

    // An expired certificate or one for another name is not fixed by trusting a CA: only --insecure helps.
    facts.certificateProblems = { CertificateProblem::Expired, CertificateProblem::WrongName };
    facts.certificateTexts = { QStringLiteral("The certificate has expired"),
        QStringLiteral("The host name did not match any of the valid hosts for this certificate") };
    const FailureText expired = describeFailure(facts);
    QCOMPARE(expired.message,
        QStringLiteral(
            "The server's certificate for 127.0.0.1 is not trusted: it has expired; it was issued for another "
            "name than 127.0.0.1 (add --insecure to connect without verifying)."));
}

void tst_FailureText::hintIsPartOfTheSentence()
{
    FailureFacts refused = factsFor(ClientFailure::Connect);
    refused.transport = TransportError::ConnectionRefused;
    const FailureText text = describeFailure(refused);
    QVERIFY(!text.hint.isEmpty());
    QVERIFY(text.message.contains(text.hint));
    QCOMPARE(describeFailure(FailureFacts {}).message, QString());
}

void tst_FailureText::tlsRecordBytesAreRecognised_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("tls");
    QTest::newRow("handshake record") << QByteArray::fromHex("160303007a") << true;
    QTest::newRow("alert record") << QByteArray::fromHex("1503010002") << true;
    QTest::newRow("HTTP") << QByteArray("HTTP/1.1 200 OK\r\n") << false;
    QTest::newRow("one byte") << QByteArray::fromHex("16") << false;
    QTest::newRow("empty") << QByteArray() << false;
}

void tst_FailureText::tlsRecordBytesAreRecognised()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, tls);
    QCOMPARE(looksLikeTls(bytes), tls);
}

QTEST_APPLESS_MAIN(tst_FailureText)
#include "tst_failuretext.moc"
