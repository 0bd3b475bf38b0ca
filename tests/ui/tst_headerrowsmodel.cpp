// The builder's header table model: editing, reordering and on/off rows, under QAbstractItemModelTester.
#include "ui/builder/headerrowsmodel.h"
#include "ui/exchange/findingsmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace wsi;

class TestHeaderRowsModel : public QObject
{
    Q_OBJECT

private:
    static QList<HeaderRow> standardRows()
    {
        return HandshakeSpec::withDefaults(QStringLiteral("ws://127.0.0.1:9001/")).rows;
    }
    static QList<QByteArray> names(const HeaderRowsModel& model)
    {
        QList<QByteArray> out;
        for (const HeaderRow& row : model.rows())
            out.append(row.name);
        return out;
    }

private Q_SLOTS:
    void setRowsIsNotAnEdit()
    {
        HeaderRowsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy edited(&model, &HeaderRowsModel::rowsEdited);
        model.setRows(standardRows());
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.columnCount(), int(HeaderRowsModel::Count));
        QCOMPARE(edited.count(), 0);
        // Same shape, different value: updated in place.
        QList<HeaderRow> rows = standardRows();
        rows[1].value = "WebSocket";
        model.setRows(rows);
        QCOMPARE(model.index(1, HeaderRowsModel::ValueColumn).data().toString(), QStringLiteral("WebSocket"));
        model.setRows({});
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(edited.count(), 0);
    }

    void dataAndRoles()
    {
        HeaderRowsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRows(standardRows());
        const QModelIndex name = model.index(1, HeaderRowsModel::NameColumn);
        QCOMPARE(name.data().toString(), QStringLiteral("Upgrade"));
        QCOMPARE(name.data(HeaderRowsModel::NameRole).toByteArray(), QByteArray("Upgrade"));
        QCOMPARE(model.index(1, HeaderRowsModel::ValueColumn).data(HeaderRowsModel::ValueRole).toByteArray(),
            QByteArray("websocket"));
        QCOMPARE(model.index(1, HeaderRowsModel::EnabledColumn).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QVERIFY(!name.data(HeaderRowsModel::HelperOwnedRole).toBool());
        QVERIFY(model.index(0, 0).data(HeaderRowsModel::HelperOwnedRole).toBool()); // Host
        // The auto key row says what will happen instead of showing nothing.
        QVERIFY(model.index(3, HeaderRowsModel::ValueColumn).data().toString().contains(QLatin1String("generated")));
        QCOMPARE(model.index(3, HeaderRowsModel::ValueColumn).data(Qt::EditRole).toString(), QString());
        // Header tooltips come from resources/headers.json.
        QVERIFY(name.data(Qt::ToolTipRole).toString().contains(QLatin1String("RFC 6455")));
        QVERIFY(!model.index(99, 0).data().isValid());
        QCOMPARE(model.flags(model.index(99, 0)), Qt::NoItemFlags);
        QVERIFY(model.flags(model.index(0, HeaderRowsModel::EnabledColumn)) & Qt::ItemIsUserCheckable);
        QVERIFY(model.flags(model.index(0, HeaderRowsModel::ValueColumn)) & Qt::ItemIsEditable);
        QVERIFY(!(model.flags(model.index(0, HeaderRowsModel::EnabledColumn)) & Qt::ItemIsEditable));
    }

    void editsEmitOneSignalEach()
    {
        HeaderRowsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRows(standardRows());
        QSignalSpy edited(&model, &HeaderRowsModel::rowsEdited);

        QVERIFY(model.setData(model.index(2, HeaderRowsModel::EnabledColumn), Qt::Unchecked, Qt::CheckStateRole));
        QVERIFY(!model.rows().at(2).enabled);
        QCOMPARE(edited.count(), 1);
        // Setting the same value again is not an edit.
        QVERIFY(model.setData(model.index(2, HeaderRowsModel::EnabledColumn), Qt::Unchecked, Qt::CheckStateRole));
        QCOMPARE(edited.count(), 1);

        QVERIFY(model.setData(model.index(2, HeaderRowsModel::ValueColumn), QStringLiteral("keep-alive, Upgrade")));
        QCOMPARE(model.rows().at(2).value, QByteArray("keep-alive, Upgrade"));
        QVERIFY(model.setData(model.index(2, HeaderRowsModel::NameColumn), QStringLiteral("connection")));
        QCOMPARE(model.rows().at(2).name, QByteArray("connection"));
        QCOMPARE(edited.count(), 3);
        QVERIFY(!model.setData(model.index(2, HeaderRowsModel::EnabledColumn), QStringLiteral("x"), Qt::EditRole));
        QVERIFY(!model.setData(model.index(42, HeaderRowsModel::ValueColumn), QStringLiteral("x")));
        QCOMPARE(edited.count(), 3);
    }

    void addRemoveDuplicate()
    {
        HeaderRowsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRows(standardRows());
        QSignalSpy edited(&model, &HeaderRowsModel::rowsEdited);

        QCOMPARE(model.addRow(1, HeaderRow { "X-Trace", "1", true }), 1);
        QCOMPARE(names(model).mid(0, 3), (QList<QByteArray> { "Host", "X-Trace", "Upgrade" }));
        QCOMPARE(model.addRow(), 6); // appended
        QVERIFY(model.duplicateRow(1));
        QCOMPARE(names(model).mid(1, 2), (QList<QByteArray> { "X-Trace", "X-Trace" }));
        QVERIFY(!model.duplicateRow(-1));
        QVERIFY(model.removeRowAt(1));
        QVERIFY(model.removeRowAt(1));
        QVERIFY(!model.removeRowAt(100));
        QCOMPARE(names(model).mid(0, 2), (QList<QByteArray> { "Host", "Upgrade" }));
        QCOMPARE(edited.count(), 5);
    }

    void move_data()
    {
        QTest::addColumn<int>("from");
        QTest::addColumn<int>("to");
        QTest::addColumn<QList<QByteArray>>("expected");
        const QByteArray h = "Host", u = "Upgrade", c = "Connection", k = "Sec-WebSocket-Key",
                         v = "Sec-WebSocket-Version";
        QTest::newRow("first down one") << 0 << 1 << QList<QByteArray> { u, h, c, k, v };
        QTest::newRow("last up one") << 4 << 3 << QList<QByteArray> { h, u, c, v, k };
        QTest::newRow("first to last") << 0 << 4 << QList<QByteArray> { u, c, k, v, h };
        QTest::newRow("last to first") << 4 << 0 << QList<QByteArray> { v, h, u, c, k };
    }

    void move()
    {
        QFETCH(int, from);
        QFETCH(int, to);
        QFETCH(QList<QByteArray>, expected);
        HeaderRowsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRows(standardRows());
        QSignalSpy edited(&model, &HeaderRowsModel::rowsEdited);
        QVERIFY(model.moveRow(from, to));
        QCOMPARE(names(model), expected);
        QCOMPARE(edited.count(), 1);
    }

    void impossibleMovesAreRefused()
    {
        HeaderRowsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRows(standardRows());
        QVERIFY(!model.moveRow(0, -1));
        QVERIFY(!model.moveRow(4, 5));
        QVERIFY(!model.moveRow(2, 2));
        QVERIFY(!model.moveRows({}, 0, 2, {}, 1)); // into itself
        QCOMPARE(model.rows(), standardRows());
    }

    void headerInjectionIsFlagged()
    {
        HeaderRowsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRows({ HeaderRow { "X-Evil", "a\r\nInjected: yes", true }, HeaderRow { "Bad Name", "v", true } });
        QVERIFY(model.index(0, HeaderRowsModel::ValueColumn)
                    .data(HeaderRowsModel::ProblemRole)
                    .toString()
                    .contains(QLatin1String("header injection")));
        QVERIFY(!model.index(1, 0).data(HeaderRowsModel::ProblemRole).toString().isEmpty());
        QCOMPARE(model.index(1, HeaderRowsModel::NameColumn).data(Qt::ToolTipRole).toString(),
            model.index(1, 0).data(HeaderRowsModel::ProblemRole).toString());
    }

    void findingsModel()
    {
        FindingsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setFindings({ Finding { QStringLiteral("response.accept"), Severity::Error,
                                QStringLiteral("Sec-WebSocket-Accept is wrong"), QStringLiteral("RFC 6455 §4.1"),
                                "Sec-WebSocket-Accept" },
            Finding { QStringLiteral("request.origin"), Severity::Info, QStringLiteral("Origin sent"),
                QStringLiteral("RFC 6455 §10.2"), "Origin" } });
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.columnCount(), int(FindingsModel::Count));
        QCOMPARE(model.index(0, FindingsModel::VerdictColumn).data().toString(), QStringLiteral("FAIL"));
        QCOMPARE(model.index(1, FindingsModel::VerdictColumn).data().toString(), QStringLiteral("INFO"));
        QVERIFY(
            model.index(0, FindingsModel::VerdictColumn).data(Qt::DecorationRole).value<QIcon>().availableSizes().size()
            > 0);
        QCOMPARE(model.index(0, FindingsModel::MessageColumn).data().toString(),
            QStringLiteral("Sec-WebSocket-Accept is wrong"));
        QCOMPARE(model.index(0, FindingsModel::RfcColumn).data().toString(), QStringLiteral("RFC 6455 §4.1"));
        QCOMPARE(model.index(0, 0).data(FindingsModel::HeaderRole).toByteArray(), QByteArray("Sec-WebSocket-Accept"));
        QCOMPARE(model.index(0, 0).data(FindingsModel::SideRole).toString(), QStringLiteral("response"));
        QCOMPARE(model.index(1, 0).data(FindingsModel::SideRole).toString(), QStringLiteral("request"));
        QVERIFY(model.index(0, 0).data(FindingsModel::SortRole).toInt()
            < model.index(1, 0).data(FindingsModel::SortRole).toInt());
        QVERIFY(!model.index(2, 0).data().isValid());
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_MAIN(TestHeaderRowsModel)
#include "tst_headerrowsmodel.moc"
