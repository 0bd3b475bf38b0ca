// The one judgement of a frame header (core/framerules.h): each rule alone, in both directions, on a
// partly read header as the decoder sees it and on a complete one as the frames list sees it.
#include "core/framerules.h"

#include <QTest>

using namespace wsi;

namespace
{

// A valid header for `sender`: a 5-byte text frame, masked only from a client.
FrameHeader validFrom(Role sender)
{
    FrameHeader h;
    h.opcode = quint8(Opcode::Text);
    h.payloadLength = 5;
    h.masked = sender == Role::Client;
    return h;
}

} // namespace

Q_DECLARE_METATYPE(wsi::FrameHeader)
Q_DECLARE_METATYPE(wsi::Role)
Q_DECLARE_METATYPE(wsi::HeaderPart)

class TestFrameRules : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void eachRuleAlone_data()
    {
        QTest::addColumn<Role>("sender");
        QTest::addColumn<FrameHeader>("header");
        QTest::addColumn<bool>("deflate");
        QTest::addColumn<quint64>("limit"); // 0: no limit given
        QTest::addColumn<HeaderPart>("known");
        QTest::addColumn<int>("closeCode"); // 0: valid
        QTest::addColumn<QString>("rfc");

        for (Role sender : { Role::Client, Role::Server }) {
            const char* who = sender == Role::Client ? "client" : "server";
            auto row = [&](const char* name) { return &QTest::addRow("%s: %s", who, name); };
            const FrameHeader valid = validFrom(sender);
            *row("valid text") << sender << valid << false << quint64(0) << HeaderPart::Complete << 0 << QString();

            FrameHeader h = valid;
            h.opcode = 3;
            *row("reserved data opcode 3")
                << sender << h << false << quint64(0) << HeaderPart::FirstTwoBytes << 1002 << "RFC 6455 §5.2";
            h.opcode = 11;
            *row("reserved control opcode 11")
                << sender << h << false << quint64(0) << HeaderPart::FirstTwoBytes << 1002 << "RFC 6455 §5.2";
            h = valid;
            h.rsv2 = true;
            *row("RSV2") << sender << h << true << quint64(0) << HeaderPart::FirstTwoBytes << 1002 << "RFC 6455 §5.2";
            h = valid;
            h.rsv3 = true;
            *row("RSV3") << sender << h << true << quint64(0) << HeaderPart::FirstTwoBytes << 1002 << "RFC 6455 §5.2";
            h = valid;
            h.rsv1 = true;
            *row("RSV1 without deflate") << sender << h << false << quint64(0) << HeaderPart::FirstTwoBytes << 1002
                                         << "RFC 6455 §5.2";
            *row("RSV1 on text with deflate")
                << sender << h << true << quint64(0) << HeaderPart::Complete << 0 << QString();
            h.opcode = quint8(Opcode::Ping);
            *row("RSV1 on a ping with deflate")
                << sender << h << true << quint64(0) << HeaderPart::FirstTwoBytes << 1002 << "RFC 7692 §6";
            h.opcode = quint8(Opcode::Continuation);
            *row("RSV1 on a continuation with deflate")
                << sender << h << true << quint64(0) << HeaderPart::FirstTwoBytes << 1002 << "RFC 7692 §6";
            h = valid;
            h.masked = sender != Role::Client;
            *row(sender == Role::Client ? "unmasked from the client" : "masked from the server")
                << sender << h << false << quint64(0) << HeaderPart::FirstTwoBytes << 1002 << "RFC 6455 §5.1";
            h = valid;
            h.opcode = quint8(Opcode::Ping);
            h.fin = false;
            *row("fragmented ping") << sender << h << false << quint64(0) << HeaderPart::FirstTwoBytes << 1002
                                    << "RFC 6455 §5.5";
            h = valid;
            h.opcode = quint8(Opcode::Close);
            h.lengthEncoding = LengthEncoding::Extended16;
            h.payloadLength = 0; // not read yet
            *row("close with a 16-bit length, after two bytes")
                << sender << h << false << quint64(0) << HeaderPart::FirstTwoBytes << 1002 << "RFC 6455 §5.5";
            h.payloadLength = 126;
            *row("close of 126 bytes") << sender << h << false << quint64(0) << HeaderPart::Complete << 1002
                                       << "RFC 6455 §5.5";
            h = valid;
            h.opcode = quint8(Opcode::Pong);
            h.payloadLength = 125;
            *row("pong of 125 bytes") << sender << h << false << quint64(0) << HeaderPart::Complete << 0 << QString();

            h = valid;
            h.lengthEncoding = LengthEncoding::Extended16;
            h.payloadLength = 125;
            *row("125 in the 16-bit form, after two bytes")
                << sender << h << false << quint64(0) << HeaderPart::FirstTwoBytes << 0 << QString();
            *row("125 in the 16-bit form")
                << sender << h << false << quint64(0) << HeaderPart::Complete << 1002 << "RFC 6455 §5.2";
            h.payloadLength = 126;
            *row("126 in the 16-bit form")
                << sender << h << false << quint64(0) << HeaderPart::Complete << 0 << QString();
            h.lengthEncoding = LengthEncoding::Extended64;
            h.payloadLength = 65535;
            *row("65535 in the 64-bit form")
                << sender << h << false << quint64(0) << HeaderPart::Complete << 1002 << "RFC 6455 §5.2";
            h.payloadLength = 65536;
            *row("65536 in the 64-bit form")
                << sender << h << false << quint64(0) << HeaderPart::Complete << 0 << QString();
            h.payloadLength = quint64(1) << 63;
            *row("64-bit length with the top bit set")
                << sender << h << false << quint64(0) << HeaderPart::Complete << 1002 << "RFC 6455 §5.2";
            h.payloadLength = 2000;
            h.lengthEncoding = LengthEncoding::Extended16;
            *row("over the size limit") << sender << h << false << quint64(1000) << HeaderPart::Complete << 1009
                                        << "RFC 6455 §7.4.1";
            *row("at the size limit") << sender << h << false << quint64(2000) << HeaderPart::Complete << 0
                                      << QString();
            *row("over the size limit, after two bytes")
                << sender << h << false << quint64(1000) << HeaderPart::FirstTwoBytes << 0 << QString();
            *row("no limit given") << sender << h << false << quint64(0) << HeaderPart::Complete << 0 << QString();
        }
    }

    void eachRuleAlone()
    {
        QFETCH(Role, sender);
        QFETCH(FrameHeader, header);
        QFETCH(bool, deflate);
        QFETCH(quint64, limit);
        QFETCH(HeaderPart, known);
        QFETCH(int, closeCode);
        QFETCH(QString, rfc);
        FrameContext context { sender, deflate, {} };
        if (limit > 0)
            context.maxFramePayload = limit;
        const auto v = frameHeaderViolation(header, context, known);
        if (closeCode == 0) {
            QVERIFY2(!v, v ? qPrintable(v->reason) : "");
            return;
        }
        QVERIFY(v);
        QCOMPARE(int(v->closeCode), closeCode);
        QCOMPARE(v->rfc, rfc);
        // One sentence that cites the same section.
        QVERIFY2(v->reason.endsWith(QLatin1Char('.')), qPrintable(v->reason));
        QVERIFY2(v->reason.contains(rfc.mid(rfc.indexOf(QChar(u'§')))), qPrintable(v->reason));
    }

    void firstRuleBrokenIsNamed()
    {
        // A reserved opcode from the wrong side with RSV2: the reserved opcode is named, as the decoder did.
        FrameHeader h = validFrom(Role::Server);
        h.opcode = 5;
        h.rsv2 = true;
        h.masked = true;
        const auto v = frameHeaderViolation(h, FrameContext { Role::Server, false, {} });
        QVERIFY(v);
        QVERIFY2(v->reason.contains(QLatin1String("Opcode 5 is reserved")), qPrintable(v->reason));
    }
};

QTEST_GUILESS_MAIN(TestFrameRules)
#include "tst_framerules.moc"
