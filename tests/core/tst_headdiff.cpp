// Two attempts compared line by line: a changed header is one changed line, headers only one side has are
// named as such, and identical heads compare equal.

#include "core/headdiff.h"

#include <QTest>

using namespace wsi;
using Kind = HeadLineDiff::Kind;

class TstHeadDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void changedRemovedAndAddedHeaders()
    {
        const QByteArray a = "GET /chat HTTP/1.1\r\nHost: a\r\nOrigin: https://good.example\r\nCookie: s=1\r\n\r\n";
        const QByteArray b = "GET /chat HTTP/1.1\r\nhost: a\r\nOrigin: https://evil.example\r\nX-Extra: 1\r\n\r\n";
        const QList<HeadLineDiff> d = diffHeads(a, b);
        QCOMPARE(d.size(), 5);
        QCOMPARE(d.at(0).kind, Kind::Same);
        QCOMPARE(d.at(1).kind, Kind::Changed); // the name's case differs: the bytes on the wire differ
        QCOMPARE(d.at(2).kind, Kind::Changed);
        QCOMPARE(d.at(2).first, QByteArray("Origin: https://good.example"));
        QCOMPARE(d.at(2).second, QByteArray("Origin: https://evil.example"));
        QCOMPARE(d.at(3).kind, Kind::OnlyFirst);
        QCOMPARE(d.at(3).first, QByteArray("Cookie: s=1"));
        QCOMPARE(d.at(4).kind, Kind::OnlySecond);
        QCOMPARE(d.at(4).second, QByteArray("X-Extra: 1"));
        QVERIFY(headsDiffer(d));
    }

    void repeatedFieldsPairInOrder()
    {
        const QList<HeadLineDiff> d = diffHeads("HTTP/1.1 403 Forbidden\r\nA: 1\r\nA: 2\r\n\r\nno",
            "HTTP/1.1 101 Switching Protocols\r\nA: 1\r\nA: 3\r\n\r\n");
        QCOMPARE(d.size(), 4);
        QCOMPARE(d.at(0).kind, Kind::Changed);
        QCOMPARE(d.at(1).kind, Kind::Same);
        QCOMPARE(d.at(2).kind, Kind::Changed);
        QCOMPARE(d.at(3).first, QByteArray("body: 2 bytes"));
        QCOMPARE(d.at(3).second, QByteArray("body: 0 bytes"));
    }

    void identicalHeadsDoNotDiffer()
    {
        const QByteArray a = "GET / HTTP/1.1\nHost: x\n\n";
        QVERIFY(!headsDiffer(diffHeads(a, a)));
        QVERIFY(diffHeads({}, {}).isEmpty());
        QCOMPARE(diffLines({ "a", "b" }, { "a" }).last().kind, Kind::OnlyFirst);
    }
};

QTEST_APPLESS_MAIN(TstHeadDiff)
#include "tst_headdiff.moc"
