// permessage-deflate negotiation (RFC 7692 §7): the client's offer, the server's choice with a
// reason per offer, and the client's validation of the answer.

#include "core/deflatenegotiation.h"

#include <QRandomGenerator>
#include <QTest>

using namespace wsi;

namespace
{

QList<Extension> extensionsFrom(QByteArrayView headerValue)
{
    const ExtensionList list = parseExtensions(headerValue);
    if (!list.ok())
        qFatal("test input does not parse: %s", qPrintable(list.error));
    return list.extensions;
}

// {server_no_context_takeover, client_no_context_takeover, server bits, client bits}
QList<int> flatten(const DeflateParams& params)
{
    return { params.serverNoContextTakeover, params.clientNoContextTakeover, params.serverMaxWindowBits,
        params.clientMaxWindowBits };
}

const QList<int> kDefaults { 0, 0, 15, 15 };

} // namespace

class TestDeflateNegotiation : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void offer_data();
    void offer();
    void serverAccepts_data();
    void serverAccepts();
    void serverDeclines_data();
    void serverDeclines();
    void clientValidates_data();
    void clientValidates();
    void randomOffersStayConsistent();
};

void TestDeflateNegotiation::offer_data()
{
    QTest::addColumn<bool>("serverNoContextTakeover");
    QTest::addColumn<bool>("clientNoContextTakeover");
    QTest::addColumn<int>("serverMaxWindowBits"); // 0 = not offered
    QTest::addColumn<bool>("offerClientMaxWindowBits");
    QTest::addColumn<int>("clientMaxWindowBits"); // 0 = no value
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("default offer") << false << false << 0 << true << 0
                                   << QByteArray("permessage-deflate; client_max_window_bits");
    QTest::newRow("bare offer") << false << false << 0 << false << 0 << QByteArray("permessage-deflate");
    QTest::newRow("every parameter")
        << true << true << 10 << true << 12
        << QByteArray("permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                      "server_max_window_bits=10; client_max_window_bits=12");
    QTest::newRow("client window value implies the parameter")
        << false << false << 0 << false << 9 << QByteArray("permessage-deflate; client_max_window_bits=9");
}

void TestDeflateNegotiation::offer()
{
    QFETCH(bool, serverNoContextTakeover);
    QFETCH(bool, clientNoContextTakeover);
    QFETCH(int, serverMaxWindowBits);
    QFETCH(bool, offerClientMaxWindowBits);
    QFETCH(int, clientMaxWindowBits);
    QFETCH(QByteArray, expected);

    DeflateOffer offer;
    offer.serverNoContextTakeover = serverNoContextTakeover;
    offer.clientNoContextTakeover = clientNoContextTakeover;
    if (serverMaxWindowBits)
        offer.serverMaxWindowBits = serverMaxWindowBits;
    offer.offerClientMaxWindowBits = offerClientMaxWindowBits;
    if (clientMaxWindowBits)
        offer.clientMaxWindowBits = clientMaxWindowBits;
    QCOMPARE(serializeExtensions({ makeDeflateOffer(offer) }), expected);
    QCOMPARE(makeDeflateOffer(), extensionsFrom("permessage-deflate; client_max_window_bits").front());
}

void TestDeflateNegotiation::serverAccepts_data()
{
    QTest::addColumn<QByteArray>("offers");
    QTest::addColumn<QList<int>>("config"); // {server no ctx, client no ctx, server bits, client bits}
    QTest::addColumn<QByteArray>("response");
    QTest::addColumn<QList<int>>("params");
    QTest::addColumn<QStringList>("trace"); // a fragment of the sentence for each offer

    const QList<int> plain = kDefaults;
    QTest::newRow("browser offer") << QByteArray("permessage-deflate; client_max_window_bits") << plain
                                   << QByteArray("permessage-deflate") << kDefaults << QStringList { "accepted" };
    QTest::newRow("offer without parameters")
        << QByteArray("permessage-deflate") << plain << QByteArray("permessage-deflate") << kDefaults
        << QStringList { "accepted" };
    QTest::newRow("server_no_context_takeover requested")
        << QByteArray("permessage-deflate; server_no_context_takeover") << plain
        << QByteArray("permessage-deflate; server_no_context_takeover") << QList<int> { 1, 0, 15, 15 }
        << QStringList { "accepted" };
    QTest::newRow("client_no_context_takeover offered is echoed")
        << QByteArray("permessage-deflate; client_no_context_takeover") << plain
        << QByteArray("permessage-deflate; client_no_context_takeover") << QList<int> { 0, 1, 15, 15 }
        << QStringList { "accepted" };
    QTest::newRow("server adds both no_context_takeover unasked")
        << QByteArray("permessage-deflate") << QList<int> { 1, 1, 15, 15 }
        << QByteArray("permessage-deflate; server_no_context_takeover; client_no_context_takeover")
        << QList<int> { 1, 1, 15, 15 }
        << QStringList { "server_no_context_takeover added by this server's configuration (§7.1.1.1); "
                         "client_no_context_takeover added by this server's configuration (§7.1.1.2)" };
    QTest::newRow("server_max_window_bits answered with the same value")
        << QByteArray("permessage-deflate; server_max_window_bits=10") << plain
        << QByteArray("permessage-deflate; server_max_window_bits=10") << QList<int> { 0, 0, 10, 15 }
        << QStringList { "accepted" };
    QTest::newRow("server_max_window_bits answered with a smaller value")
        << QByteArray("permessage-deflate; server_max_window_bits=12") << QList<int> { 0, 0, 9, 15 }
        << QByteArray("permessage-deflate; server_max_window_bits=9") << QList<int> { 0, 0, 9, 15 }
        << QStringList { "lowered from the offered 12 to 9 (§7.1.2.1)" };
    QTest::newRow("server announces its own smaller window unasked")
        << QByteArray("permessage-deflate") << QList<int> { 0, 0, 11, 15 }
        << QByteArray("permessage-deflate; server_max_window_bits=11") << QList<int> { 0, 0, 11, 15 }
        << QStringList { "server_max_window_bits=11 announced because this server limits its own window" };
    QTest::newRow("quoted server_max_window_bits is unquoted first")
        << QByteArray("permessage-deflate; server_max_window_bits=\"10\"") << plain
        << QByteArray("permessage-deflate; server_max_window_bits=10") << QList<int> { 0, 0, 10, 15 }
        << QStringList { "accepted" };
    QTest::newRow("client_max_window_bits value is the client's promise")
        << QByteArray("permessage-deflate; client_max_window_bits=10") << plain << QByteArray("permessage-deflate")
        << QList<int> { 0, 0, 15, 10 } << QStringList { "accepted" };
    QTest::newRow("server limits the client's window")
        << QByteArray("permessage-deflate; client_max_window_bits") << QList<int> { 0, 0, 15, 10 }
        << QByteArray("permessage-deflate; client_max_window_bits=10") << QList<int> { 0, 0, 15, 10 }
        << QStringList { "the client's window limited to 10 bits (§7.1.2.2)" };
    QTest::newRow("first offer declined, second accepted")
        << QByteArray("permessage-deflate; foo=1, permessage-deflate; client_max_window_bits") << plain
        << QByteArray("permessage-deflate") << kDefaults
        << QStringList { "declined: unknown parameter \"foo\" (RFC 7692 §7); the next offer", "Offer 2" };
    QTest::newRow("later valid offer is not considered")
        << QByteArray("permessage-deflate, permessage-deflate; server_no_context_takeover") << plain
        << QByteArray("permessage-deflate") << kDefaults << QStringList { "accepted", "not considered" };
    QTest::newRow("other extensions are ignored")
        << QByteArray("x-webkit-deflate-frame, permessage-deflate") << plain << QByteArray("permessage-deflate")
        << kDefaults << QStringList { "ignored", "accepted" };
}

void TestDeflateNegotiation::serverAccepts()
{
    QFETCH(QByteArray, offers);
    QFETCH(QList<int>, config);
    QFETCH(QByteArray, response);
    QFETCH(QList<int>, params);
    QFETCH(QStringList, trace);

    DeflateServerConfig server;
    server.serverNoContextTakeover = config[0];
    server.clientNoContextTakeover = config[1];
    server.serverMaxWindowBits = config[2];
    server.clientMaxWindowBits = config[3];
    const DeflateAcceptance acceptance = acceptDeflate(extensionsFrom(offers), server);
    QVERIFY(acceptance.accepted);
    QCOMPARE(serializeExtensions({ acceptance.response }), response);
    QCOMPARE(flatten(acceptance.params), params);
    QCOMPARE(acceptance.outcomes.size(), trace.size());
    for (qsizetype i = 0; i < trace.size(); ++i)
        QVERIFY2(acceptance.outcomes[i].text.contains(trace[i]), qPrintable(acceptance.outcomes[i].text));
    QVERIFY(acceptance.sentences()
                .filter(QStringLiteral("accepted: the response is \"%1\"").arg(QLatin1String(response)))
                .size()
        == 1);

    // Whatever the server accepts, the client side must accept too, with the same parameters.
    const DeflateResponseCheck check = validateDeflateResponse(acceptance.response, extensionsFrom(offers));
    QVERIFY2(check.ok, qPrintable(check.error));
    QCOMPARE(flatten(check.params), params);
}

void TestDeflateNegotiation::serverDeclines_data()
{
    QTest::addColumn<QByteArray>("offers");
    QTest::addColumn<bool>("enabled");
    QTest::addColumn<int>("clientMaxWindowBits");
    QTest::addColumn<QString>("reason");

    QTest::newRow("unknown parameter") << QByteArray("permessage-deflate; foo") << true << 15
                                       << "unknown parameter \"foo\" (RFC 7692 §7)";
    QTest::newRow("duplicate parameter") << QByteArray(
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover")
                                         << true << 15 << "appears more than once (RFC 7692 §7)";
    QTest::newRow("value on server_no_context_takeover")
        << QByteArray("permessage-deflate; server_no_context_takeover=1") << true << 15
        << "must not have a value (RFC 7692 §7.1.1.1)";
    QTest::newRow("value on client_no_context_takeover")
        << QByteArray("permessage-deflate; client_no_context_takeover=x") << true << 15
        << "must not have a value (RFC 7692 §7.1.1.2)";
    QTest::newRow("server_max_window_bits without value")
        << QByteArray("permessage-deflate; server_max_window_bits") << true << 15 << "got none (RFC 7692 §7.1.2.1)";
    QTest::newRow("server_max_window_bits=7")
        << QByteArray("permessage-deflate; server_max_window_bits=7") << true << 15 << "got \"7\" (RFC 7692 §7.1.2.1)";
    QTest::newRow("server_max_window_bits=16") << QByteArray("permessage-deflate; server_max_window_bits=16") << true
                                               << 15 << "got \"16\" (RFC 7692 §7.1.2.1)";
    QTest::newRow("leading zero in server_max_window_bits")
        << QByteArray("permessage-deflate; server_max_window_bits=09") << true << 15 << "got \"09\"";
    QTest::newRow("quoted value with leading zero")
        << QByteArray("permessage-deflate; server_max_window_bits=\"010\"") << true << 15 << "got \"010\"";
    QTest::newRow("client_max_window_bits=7")
        << QByteArray("permessage-deflate; client_max_window_bits=7") << true << 15 << "(RFC 7692 §7.1.2.2)";
    QTest::newRow("server needs a client window limit the offer cannot give")
        << QByteArray("permessage-deflate") << true << 10 << "limited to 10 bits";
    QTest::newRow("deflate disabled") << QByteArray("permessage-deflate") << false << 15 << "disabled";
}

void TestDeflateNegotiation::serverDeclines()
{
    QFETCH(QByteArray, offers);
    QFETCH(bool, enabled);
    QFETCH(int, clientMaxWindowBits);
    QFETCH(QString, reason);

    DeflateServerConfig config;
    config.enabled = enabled;
    config.clientMaxWindowBits = clientMaxWindowBits;
    const DeflateAcceptance acceptance = acceptDeflate(extensionsFrom(offers), config);
    QVERIFY(!acceptance.accepted);
    QCOMPARE(acceptance.outcomes.size(), 1);
    QVERIFY2(acceptance.outcomes.front().text.contains(QStringLiteral("declined")),
        qPrintable(acceptance.outcomes.front().text));
    QVERIFY2(acceptance.outcomes.front().text.contains(reason), qPrintable(acceptance.outcomes.front().text));
}

void TestDeflateNegotiation::clientValidates_data()
{
    QTest::addColumn<QByteArray>("offers");
    QTest::addColumn<QByteArray>("response");
    QTest::addColumn<QList<int>>("params"); // empty = the client must fail the connection
    QTest::addColumn<QString>("error");

    const QByteArray browser = "permessage-deflate; client_max_window_bits";
    QTest::newRow("plain acceptance") << browser << QByteArray("permessage-deflate") << kDefaults << QString();
    QTest::newRow("server_no_context_takeover added unasked")
        << browser << QByteArray("permessage-deflate; server_no_context_takeover") << QList<int> { 1, 0, 15, 15 }
        << QString();
    QTest::newRow("client_no_context_takeover added unasked")
        << browser << QByteArray("permessage-deflate; client_no_context_takeover") << QList<int> { 0, 1, 15, 15 }
        << QString();
    QTest::newRow("offered client_no_context_takeover holds without echo")
        << QByteArray("permessage-deflate; client_no_context_takeover") << QByteArray("permessage-deflate")
        << QList<int> { 0, 1, 15, 15 } << QString();
    QTest::newRow("client_max_window_bits answered with a value")
        << browser << QByteArray("permessage-deflate; client_max_window_bits=10") << QList<int> { 0, 0, 15, 10 }
        << QString();
    QTest::newRow("offered client window value applies without echo")
        << QByteArray("permessage-deflate; client_max_window_bits=11") << QByteArray("permessage-deflate")
        << QList<int> { 0, 0, 15, 11 } << QString();
    QTest::newRow("server_max_window_bits smaller than offered")
        << QByteArray("permessage-deflate; server_max_window_bits=12")
        << QByteArray("permessage-deflate; server_max_window_bits=10") << QList<int> { 0, 0, 10, 15 } << QString();
    QTest::newRow("server_max_window_bits unasked")
        << browser << QByteArray("permessage-deflate; server_max_window_bits=9") << QList<int> { 0, 0, 9, 15 }
        << QString();
    QTest::newRow("quoted value in the response")
        << browser << QByteArray("permessage-deflate; server_max_window_bits=\"9\"") << QList<int> { 0, 0, 9, 15 }
        << QString();
    QTest::newRow("response matches the second offer")
        << QByteArray("permessage-deflate; server_max_window_bits=10, permessage-deflate")
        << QByteArray("permessage-deflate") << kDefaults << QString();

    QTest::newRow("client_max_window_bits not offered")
        << QByteArray("permessage-deflate") << QByteArray("permessage-deflate; client_max_window_bits=10")
        << QList<int> {} << "client_max_window_bits is in the response but was not offered (RFC 7692 §7.1.2.2)";
    QTest::newRow("client_max_window_bits without value in a response")
        << browser << QByteArray("permessage-deflate; client_max_window_bits") << QList<int> {} << "in a response";
    QTest::newRow("client_max_window_bits larger than offered")
        << QByteArray("permessage-deflate; client_max_window_bits=10")
        << QByteArray("permessage-deflate; client_max_window_bits=12") << QList<int> {} << "larger than the offered 10";
    QTest::newRow("server_max_window_bits larger than offered")
        << QByteArray("permessage-deflate; server_max_window_bits=10")
        << QByteArray("permessage-deflate; server_max_window_bits=12") << QList<int> {} << "larger than the offered 10";
    QTest::newRow("offered server_max_window_bits not confirmed")
        << QByteArray("permessage-deflate; server_max_window_bits=10") << QByteArray("permessage-deflate")
        << QList<int> {} << "does not confirm it (RFC 7692 §7.1.2.1)";
    QTest::newRow("offered server_no_context_takeover not confirmed")
        << QByteArray("permessage-deflate; server_no_context_takeover") << QByteArray("permessage-deflate")
        << QList<int> {} << "does not confirm it (RFC 7692 §7.1.1.1)";
    QTest::newRow("unknown parameter in the response")
        << browser << QByteArray("permessage-deflate; foo") << QList<int> {} << "unknown parameter";
    QTest::newRow("duplicate parameter in the response")
        << browser << QByteArray("permessage-deflate; server_no_context_takeover; server_no_context_takeover")
        << QList<int> {} << "more than once";
    QTest::newRow("leading zero in the response")
        << browser << QByteArray("permessage-deflate; server_max_window_bits=09") << QList<int> {}
        << "without leading zeros";
    QTest::newRow("deflate never offered")
        << QByteArray("x-foo") << QByteArray("permessage-deflate") << QList<int> {} << "not offered";
    QTest::newRow("response is another extension")
        << browser << QByteArray("x-foo") << QList<int> {} << "not permessage-deflate";
    QTest::newRow("no offer matches") << QByteArray("permessage-deflate; server_max_window_bits=10, "
                                                    "permessage-deflate; server_no_context_takeover")
                                      << QByteArray("permessage-deflate") << QList<int> {} << "none of the 2 offers";
}

void TestDeflateNegotiation::clientValidates()
{
    QFETCH(QByteArray, offers);
    QFETCH(QByteArray, response);
    QFETCH(QList<int>, params);
    QFETCH(QString, error);

    const DeflateResponseCheck check
        = validateDeflateResponse(extensionsFrom(response).front(), extensionsFrom(offers));
    QCOMPARE(check.ok, !params.isEmpty());
    if (check.ok) {
        QCOMPARE(flatten(check.params), params);
        QVERIFY(check.error.isEmpty());
    } else {
        QVERIFY2(check.error.contains(error), qPrintable(check.error));
    }
}

void TestDeflateNegotiation::randomOffersStayConsistent()
{
    // Offers assembled from valid and invalid parameter pieces: whatever the server accepts, the
    // client must accept with the same parameters, and every offer gets one trace sentence.
    QRandomGenerator random(1692);
    const QList<QByteArray> pieces { "server_no_context_takeover", "client_no_context_takeover",
        "server_max_window_bits=8", "server_max_window_bits=15", "server_max_window_bits=\"11\"",
        "server_max_window_bits", "server_max_window_bits=16", "client_max_window_bits", "client_max_window_bits=9",
        "client_max_window_bits=0", "x=1", "server_no_context_takeover=1" };
    for (int round = 0; round < 2000; ++round) {
        QList<QByteArray> offers;
        for (int o = random.bounded(1, 4); o > 0; --o) {
            QByteArray offer = random.bounded(6) == 0 ? "x-other" : "permessage-deflate";
            for (int p = random.bounded(0, 4); p > 0; --p)
                offer += "; " + pieces[random.bounded(pieces.size())];
            offers.append(offer);
        }
        const QList<Extension> parsed = extensionsFrom(offers.join(", "));
        DeflateServerConfig config;
        config.serverNoContextTakeover = random.bounded(2);
        config.clientNoContextTakeover = random.bounded(2);
        config.serverMaxWindowBits = random.bounded(8, 16);
        config.clientMaxWindowBits = random.bounded(3) == 0 ? random.bounded(8, 16) : 15;
        const DeflateAcceptance acceptance = acceptDeflate(parsed, config);
        QCOMPARE(acceptance.outcomes.size(), parsed.size());
        if (!acceptance.accepted)
            continue;
        QVERIFY(acceptance.params.serverMaxWindowBits <= config.serverMaxWindowBits);
        QVERIFY(acceptance.params.clientMaxWindowBits <= config.clientMaxWindowBits);
        const DeflateResponseCheck check = validateDeflateResponse(acceptance.response, parsed);
        QVERIFY2(check.ok, qPrintable(offers.join(", ") + " -> " + check.error));
        QCOMPARE(flatten(check.params), flatten(acceptance.params));
    }
}

QTEST_GUILESS_MAIN(TestDeflateNegotiation)
#include "tst_deflatenegotiation.moc"
