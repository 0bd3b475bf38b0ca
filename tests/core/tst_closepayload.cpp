#include "core/closepayload.h"

#include <QTest>

using namespace wsi;

class TestClosePayload : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void payloadLengths_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<int>("expectedCloseCode"); // 0 = accepted
        QTest::addColumn<int>("expectedCode"); // -1 = no code
        QTest::newRow("empty") << QByteArray() << 0 << -1;
        QTest::newRow("1 byte") << QByteArray::fromHex("03") << 1002 << -1;
        QTest::newRow("2 bytes, code only") << QByteArray::fromHex("03e8") << 0 << 1000;
        QTest::newRow("123 bytes") << (QByteArray::fromHex("03e8") + QByteArray(121, 'r')) << 0 << 1000;
        QTest::newRow("124 bytes") << (QByteArray::fromHex("03e8") + QByteArray(122, 'r')) << 0 << 1000;
        QTest::newRow("125 bytes") << (QByteArray::fromHex("03e8") + QByteArray(123, 'r')) << 0 << 1000;
        QTest::newRow("126 bytes") << (QByteArray::fromHex("03e8") + QByteArray(124, 'r')) << 1002 << -1;
    }
    void payloadLengths()
    {
        QFETCH(QByteArray, payload);
        QFETCH(int, expectedCloseCode);
        QFETCH(int, expectedCode);
        const ClosePayload close = parseClosePayload(payload);
        QCOMPARE(close.violation.has_value(), expectedCloseCode != 0);
        if (close.violation) {
            QCOMPARE(int(close.violation->closeCode), expectedCloseCode);
            QVERIFY(close.violation->reason.contains(QStringLiteral("§5.5")));
        }
        QCOMPARE(close.code.has_value(), expectedCode != -1);
        if (close.code)
            QCOMPARE(int(*close.code), expectedCode);
        if (expectedCloseCode == 0 && payload.size() > 2)
            QCOMPARE(close.reason, payload.mid(2));
    }

    void codes_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<bool>("validOnWire");
        QTest::addColumn<QString>("name");
        QTest::newRow("0") << 0 << false << QStringLiteral("unused");
        QTest::newRow("999") << 999 << false << QStringLiteral("unused");
        QTest::newRow("1000") << 1000 << true << QStringLiteral("Normal Closure");
        QTest::newRow("1001") << 1001 << true << QStringLiteral("Going Away");
        QTest::newRow("1002") << 1002 << true << QStringLiteral("Protocol Error");
        QTest::newRow("1003") << 1003 << true << QStringLiteral("Unsupported Data");
        QTest::newRow("1004 reserved") << 1004 << false << QStringLiteral("Reserved");
        QTest::newRow("1005 local only") << 1005 << false << QStringLiteral("No Status Received");
        QTest::newRow("1006 local only") << 1006 << false << QStringLiteral("Abnormal Closure");
        QTest::newRow("1007") << 1007 << true << QStringLiteral("Invalid Frame Payload Data");
        QTest::newRow("1008") << 1008 << true << QStringLiteral("Policy Violation");
        QTest::newRow("1009") << 1009 << true << QStringLiteral("Message Too Big");
        QTest::newRow("1010") << 1010 << true << QStringLiteral("Mandatory Extension");
        QTest::newRow("1011") << 1011 << true << QStringLiteral("Internal Error");
        QTest::newRow("1012") << 1012 << true << QStringLiteral("Service Restart");
        QTest::newRow("1013") << 1013 << true << QStringLiteral("Try Again Later");
        QTest::newRow("1014") << 1014 << true << QStringLiteral("Bad Gateway");
        QTest::newRow("1015 local only") << 1015 << false << QStringLiteral("TLS Handshake");
        QTest::newRow("1016 unassigned") << 1016 << false << QStringLiteral("unassigned");
        QTest::newRow("2999 unassigned") << 2999 << false << QStringLiteral("unassigned");
        QTest::newRow("3000") << 3000 << true << QStringLiteral("registered for libraries");
        QTest::newRow("3999") << 3999 << true << QStringLiteral("registered for libraries");
        QTest::newRow("4000") << 4000 << true << QStringLiteral("private use");
        QTest::newRow("4999") << 4999 << true << QStringLiteral("private use");
        QTest::newRow("5000") << 5000 << false << QStringLiteral("out of range");
        QTest::newRow("65535") << 65535 << false << QStringLiteral("out of range");
    }
    void codes()
    {
        QFETCH(int, code);
        QFETCH(bool, validOnWire);
        QFETCH(QString, name);
        QCOMPARE(isValidCloseCodeOnWire(quint16(code)), validOnWire);
        QCOMPARE(closeCodeName(quint16(code)), name);

        const QByteArray payload = QByteArray(1, char(code >> 8)) + char(code & 0xff) + "bye";
        const ClosePayload close = parseClosePayload(payload);
        QCOMPARE(int(*close.code), code);
        QCOMPARE(close.reason, QByteArray("bye"));
        QCOMPARE(close.violation.has_value(), !validOnWire);
        if (close.violation) {
            QCOMPARE(int(close.violation->closeCode), 1002);
            QVERIFY(close.violation->reason.contains(QStringLiteral("§7.4")));
        }
    }

    void reasonMustBeUtf8_data()
    {
        QTest::addColumn<QByteArray>("reason");
        QTest::addColumn<bool>("valid");
        QTest::newRow("ASCII") << QByteArray("going away") << true;
        QTest::newRow("multilingual") << QByteArray::fromHex("cebae1bdb9cf83cebcceb5") << true;
        QTest::newRow("surrogate") << QByteArray::fromHex("eda080") << false;
        QTest::newRow("truncated sequence") << QByteArray::fromHex("41e282") << false;
        QTest::newRow("FF byte") << QByteArray::fromHex("ff") << false;
    }
    void reasonMustBeUtf8()
    {
        QFETCH(QByteArray, reason);
        QFETCH(bool, valid);
        const ClosePayload close = parseClosePayload(QByteArray::fromHex("03e9") + reason);
        QCOMPARE(int(*close.code), 1001);
        QCOMPARE(close.violation.has_value(), !valid);
        if (close.violation)
            QCOMPARE(int(close.violation->closeCode), 1007);
    }

    void makePayload()
    {
        QCOMPARE(makeClosePayload(1000), QByteArray::fromHex("03e8"));
        QCOMPARE(makeClosePayload(4999, "bye"), QByteArray::fromHex("1387627965"));
        QCOMPARE(makeClosePayload(1005), QByteArray::fromHex("03ed")); // deliberately invalid codes are allowed
    }
};

QTEST_GUILESS_MAIN(TestClosePayload)
#include "tst_closepayload.moc"
