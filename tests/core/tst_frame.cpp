#include "core/frame.h"

#include <QTest>

using namespace wsi;

class TestFrame : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void opcodes_data()
    {
        QTest::addColumn<int>("opcode");
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("control");
        QTest::addColumn<bool>("reserved");
        QTest::newRow("continuation") << 0 << QStringLiteral("continuation") << false << false;
        QTest::newRow("text") << 1 << QStringLiteral("text") << false << false;
        QTest::newRow("binary") << 2 << QStringLiteral("binary") << false << false;
        for (int opcode = 3; opcode <= 7; ++opcode)
            QTest::addRow("reserved data opcode %d", opcode)
                << opcode << QStringLiteral("reserved-%1").arg(opcode) << false << true;
        QTest::newRow("close") << 8 << QStringLiteral("close") << true << false;
        QTest::newRow("ping") << 9 << QStringLiteral("ping") << true << false;
        QTest::newRow("pong") << 10 << QStringLiteral("pong") << true << false;
        for (int opcode = 11; opcode <= 15; ++opcode)
            QTest::addRow("reserved control opcode %d", opcode)
                << opcode << QStringLiteral("reserved-%1").arg(opcode) << true << true;
        QTest::newRow("beyond four bits") << 16 << QStringLiteral("reserved-16") << false << true;
    }
    void opcodes()
    {
        QFETCH(int, opcode);
        QFETCH(QString, name);
        QFETCH(bool, control);
        QFETCH(bool, reserved);
        QCOMPARE(opcodeName(quint8(opcode)), name);
        QCOMPARE(isControlOpcode(quint8(opcode)), control);
        QCOMPARE(isReservedOpcode(quint8(opcode)), reserved);
    }
};

QTEST_GUILESS_MAIN(TestFrame)
#include "tst_frame.moc"
