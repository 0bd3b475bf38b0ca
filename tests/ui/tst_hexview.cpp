// The hex view and the bit-level header view beside it: what they show, what a click selects, and
// that a header field clicked highlights exactly its bytes.
#include "core/frameencoder.h"
#include "ui/frames/frameheaderview.h"
#include "ui/widgets/hexview.h"

#include <QSignalSpy>
#include <QTest>

using namespace wsi;

class TestHexView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void linesShowOffsetHexAndAscii()
    {
        HexView view;
        view.setData(QByteArray("Hello, WebSocket\x00\x01\xff", 19));
        QCOMPARE(view.lineCount(), 2);
        QCOMPARE(view.lineText(0),
            QStringLiteral("00000000  48 65 6c 6c 6f 2c 20 57  65 62 53 6f 63 6b 65 74  Hello, WebSocket"));
        QVERIFY(view.lineText(1).startsWith(QLatin1String("00000010  00 01 ff")));
        QVERIFY(view.lineText(1).endsWith(QLatin1String("...")));
        QCOMPARE(view.lineText(2), QString());
    }

    void markFieldClampsAndScrolls()
    {
        HexView view;
        view.resize(600, 120);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setData(QByteArray(4096, 'a'));
        view.markField(2, 4);
        QCOMPARE(view.markStart(), 2);
        QCOMPARE(view.markLength(), 4);
        view.markField(4000, 500); // past the end: cut to the data
        QCOMPARE(view.markStart(), 4000);
        QCOMPARE(view.markLength(), 96);
        QVERIFY(view.firstVisibleLine() > 200); // the marked line is brought into view
        view.markField(0, 0);
        QCOMPARE(view.markLength(), 0);
    }

    void clickAndDragSelect()
    {
        HexView view;
        view.resize(700, 200);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setData(QByteArray("0123456789abcdefXYZ"));
        QSignalSpy selection(&view, &HexView::selectionChanged);
        // Find the points of byte 1 and byte 17 by asking the view, as a person would aim at them.
        QPoint p1, p17;
        for (int y = 2; y < 60 && (p1.isNull() || p17.isNull()); y += 2) {
            for (int x = 0; x < 700; x += 2) {
                const qint64 at = view.byteAt(QPoint(x, y));
                if (at == 1 && p1.isNull())
                    p1 = QPoint(x + 2, y);
                if (at == 17 && p17.isNull())
                    p17 = QPoint(x + 2, y);
            }
        }
        QVERIFY(!p1.isNull() && !p17.isNull());
        QTest::mousePress(view.viewport(), Qt::LeftButton, {}, p1);
        QCOMPARE(view.selectionStart(), 1);
        QCOMPARE(view.selectionLength(), 1);
        QTest::mouseMove(view.viewport(), p17);
        QMouseEvent move(QEvent::MouseMove, p17, view.viewport()->mapToGlobal(p17), Qt::NoButton, Qt::LeftButton, {});
        QApplication::sendEvent(view.viewport(), &move);
        QTest::mouseRelease(view.viewport(), Qt::LeftButton, {}, p17);
        QCOMPARE(view.selectionStart(), 1);
        QCOMPARE(view.selectionLength(), 17);
        QCOMPARE(view.selectedBytes(), QByteArray("123456789abcdefXY"));
        QVERIFY(selection.count() >= 2);
        QCOMPARE(view.byteAt(QPoint(1, 1)), -1); // the offset column is no byte
    }

    void headerFieldsOfAMaskedFrame()
    {
        const QByteArray wire = encodeFrame(Role::Client, 1, QByteArray(300, 'x'), MaskKey { 0xa1, 0xb2, 0xc3, 0xd4 });
        const QList<HeaderField> fields = headerFields(wire);
        QStringList names;
        for (const HeaderField& f : fields)
            names << f.name;
        QCOMPARE(names,
            QStringList({ "FIN", "RSV1", "RSV2", "RSV3", "opcode", "MASK", "payload length", "extended length",
                "masking key" }));
        QCOMPARE(fields.at(0).value, QStringLiteral("1"));
        QCOMPARE(fields.at(4).value, QStringLiteral("0x1 text"));
        QCOMPARE(fields.at(6).value, QStringLiteral("126 → 16-bit"));
        QCOMPARE(fields.at(7).value, QStringLiteral("300"));
        QCOMPARE(fields.at(7).byteStart(), 2);
        QCOMPARE(fields.at(7).byteLength(), 2);
        QCOMPARE(fields.at(8).value, QStringLiteral("a1 b2 c3 d4"));
        QCOMPARE(fields.at(8).byteStart(), 4);
        QCOMPARE(fields.at(8).byteLength(), 4);
        QCOMPARE(fields.at(4).byteStart(), 0);
        QCOMPARE(fields.at(4).byteLength(), 1);
        // An unmasked short frame has neither extension nor key.
        QCOMPARE(headerFields(encodeFrame(Role::Server, 9, "hi", {})).size(), 7);
        QVERIFY(headerFields(QByteArray("\x81", 1)).isEmpty());
    }

    void clickingAFieldReportsItsBytes()
    {
        FrameHeaderView view;
        const QByteArray wire = encodeFrame(Role::Client, 2, QByteArray(70000, 'y'), MaskKey { 1, 2, 3, 4 });
        view.setWireBytes(wire);
        view.resize(view.sizeHint());
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy clicked(&view, &FrameHeaderView::fieldClicked);
        // Bit 20 lies in the 64-bit extended length (bytes 2–9).
        QTest::mouseClick(&view, Qt::LeftButton, {}, view.bitRect(20).center());
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(view.fields().at(clicked.at(0).at(0).toInt()).name, QStringLiteral("extended length"));
        QCOMPARE(clicked.at(0).at(1).toInt(), 2);
        QCOMPARE(clicked.at(0).at(2).toInt(), 8);
        QCOMPARE(view.fields().at(view.selectedField()).value, QStringLiteral("70000"));
        QTest::mouseClick(&view, Qt::LeftButton, {}, view.bitRect(0).center());
        QCOMPARE(view.fields().at(clicked.last().at(0).toInt()).name, QStringLiteral("FIN"));
    }
};

QTEST_MAIN(TestHexView)
#include "tst_hexview.moc"
