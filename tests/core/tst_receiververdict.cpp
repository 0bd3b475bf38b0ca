// receiverVerdict(): frames a sender would write, judged by our own receiving Endpoint before they
// are sent. Frame rules, message rules (fragmentation, UTF-8, inflation) and close payload rules.
#include "core/deflatecodec.h"
#include "core/receiververdict.h"

#include <QTest>

using namespace wsi;

namespace
{

OutgoingFrame frame(quint8 opcode, const QByteArray& payload, bool fin = true)
{
    OutgoingFrame f;
    f.opcode = opcode;
    f.payload = payload;
    f.options.fin = fin;
    return f;
}

} // namespace

Q_DECLARE_METATYPE(wsi::Role)

class TestReceiverVerdict : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void verdicts_data()
    {
        QTest::addColumn<Role>("sender");
        QTest::addColumn<QList<OutgoingFrame>>("frames");
        QTest::addColumn<bool>("deflate");
        QTest::addColumn<int>("closeCode"); // 0: taken
        QTest::addColumn<QString>("rfc");

        for (Role sender : { Role::Client, Role::Server }) {
            const char* who = sender == Role::Client ? "client" : "server";
            auto row = [&](const char* name) { return &QTest::addRow("%s: %s", who, name); };
            *row("valid text") << sender << QList<OutgoingFrame> { frame(1, "Hello") } << false << 0 << QString();
            *row("valid text in three fragments") << sender
                                                  << QList<OutgoingFrame> { frame(1, "He", false), frame(9, "ping"),
                                                         frame(0, "l", false), frame(0, "lo") }
                                                  << false << 0 << QString();
            OutgoingFrame wrongMask = frame(1, "Hello");
            wrongMask.options.masked = sender != Role::Client;
            *row(sender == Role::Client ? "unmasked" : "masked")
                << sender << QList<OutgoingFrame> { wrongMask } << false << 1002 << "RFC 6455 §5.1";
            *row("invalid UTF-8 text") << sender << QList<OutgoingFrame> { frame(1, "oops\xc3\x28") } << false << 1007
                                       << "RFC 6455 §8.1";
            *row("invalid UTF-8 in binary is fine")
                << sender << QList<OutgoingFrame> { frame(2, "oops\xc3\x28") } << false << 0 << QString();
            *row("orphan continuation") << sender << QList<OutgoingFrame> { frame(0, "tail") } << false << 1002
                                        << "RFC 6455 §5.4";
            *row("new message inside a fragmented one")
                << sender << QList<OutgoingFrame> { frame(1, "a", false), frame(2, "b") } << false << 1002
                << "RFC 6455 §5.4";
            *row("reserved opcode") << sender << QList<OutgoingFrame> { frame(5, "x") } << false << 1002
                                    << "RFC 6455 §5.2";
            *row("fragmented ping") << sender << QList<OutgoingFrame> { frame(9, "p", false), frame(0, "q") } << false
                                    << 1002 << "RFC 6455 §5.5";
            *row("ping of 126 bytes") << sender << QList<OutgoingFrame> { frame(9, QByteArray(126, 'p')) } << false
                                      << 1002 << "RFC 6455 §5.5";
            OutgoingFrame rsv1 = frame(1, "not deflate");
            rsv1.options.rsv1 = true;
            *row("RSV1 without deflate") << sender << QList<OutgoingFrame> { rsv1 } << false << 1002 << "RFC 6455 §5.2";
            *row("RSV1 on a payload that does not inflate")
                << sender
                << QList<OutgoingFrame> { frame(1, "ok"),
                       [] {
                           OutgoingFrame f = frame(1, QByteArray::fromHex("ffffffffffff"));
                           f.options.rsv1 = true;
                           return f;
                       }() }
                << true << 1007 << QString();
            *row("close 1000") << sender << QList<OutgoingFrame> { frame(8, QByteArray::fromHex("03e8")) } << false << 0
                               << QString();
            *row("close 1005 may not be sent")
                << sender << QList<OutgoingFrame> { frame(8, QByteArray::fromHex("03ed")) } << false << 1002
                << "RFC 6455 §7.4";
            *row("close with a 1-byte payload")
                << sender << QList<OutgoingFrame> { frame(8, "x") } << false << 1002 << "RFC 6455 §5.5.1";
            *row("nothing after a valid close is judged")
                << sender << QList<OutgoingFrame> { frame(8, {}), frame(0, "stray") } << false << 0 << QString();
        }
    }

    void verdicts()
    {
        QFETCH(Role, sender);
        QFETCH(QList<OutgoingFrame>, frames);
        QFETCH(bool, deflate);
        QFETCH(int, closeCode);
        QFETCH(QString, rfc);
        const auto v
            = receiverVerdict(frames, sender, deflate ? std::optional<DeflateParams>(DeflateParams {}) : std::nullopt);
        if (closeCode == 0) {
            QVERIFY2(!v, v ? qPrintable(v->reason) : "");
            return;
        }
        QVERIFY(v);
        QCOMPARE(int(v->closeCode), closeCode);
        QVERIFY(!v->reason.isEmpty());
        if (!rfc.isEmpty())
            QCOMPARE(v->rfc, rfc);
    }

    void compressedMessageIsTaken()
    {
        // A message compressed as the sender's deflater does, split over three frames, RSV1 on the first.
        DeflateSession session(Role::Client, DeflateParams {}, 1 << 20);
        const QByteArray compressed = session.deflater().compress("Hello, Hello, Hello, compressed world");
        QList<OutgoingFrame> frames;
        const QList<QByteArrayView> pieces = splitFragments(compressed, 3);
        for (qsizetype i = 0; i < pieces.size(); ++i) {
            OutgoingFrame f = frame(i == 0 ? 1 : 0, pieces.at(i).toByteArray(), i + 1 == pieces.size());
            f.options.rsv1 = i == 0;
            frames.append(f);
        }
        QCOMPARE(frames.size(), 3);
        const auto v = receiverVerdict(frames, Role::Client, DeflateParams {});
        QVERIFY2(!v, v ? qPrintable(v->reason) : "");
        // Without the negotiation the same frames break §5.2.
        const auto without = receiverVerdict(frames, Role::Client);
        QVERIFY(without);
        QCOMPARE(int(without->closeCode), 1002);
    }
};

QTEST_GUILESS_MAIN(TestReceiverVerdict)
#include "tst_receiververdict.moc"
