// ConnectionsModel: the server panel's table of connections, fed snapshots in batches.
#include "ui/server/connectionsmodel.h"

#include <QAbstractItemModelTester>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

using namespace wsi;

namespace
{
ConnectionInfo row(quint64 key, int status = 0, ServerConnection::Phase phase = ServerConnection::Phase::Handshake)
{
    ConnectionInfo info;
    info.key = key;
    info.id = int(key);
    info.peer = QStringLiteral("127.0.0.1:%1").arg(50000 + key);
    info.acceptedAtUs = qint64(key) * 1000;
    info.status = status;
    info.phase = phase;
    return info;
}

QString cell(const ConnectionsModel& model, int r, ConnectionsModel::Column column, int role = Qt::DisplayRole)
{
    return model.data(model.index(r, column), role).toString();
}
} // namespace

class TestConnectionsModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void newRowsArriveInOneBatch()
    {
        ConnectionsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);

        for (quint64 key = 1; key <= 50; ++key)
            model.upsert(row(key));
        // Queued, not yet visible: a burst of connections must not cost one insert each.
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.pendingCount(), 50);

        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 50, 2000);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 0);
        QCOMPARE(inserted.at(0).at(2).toInt(), 49); // last = first + n - 1
        QCOMPARE(model.rowForKey(1), 0);
        QCOMPARE(model.rowForKey(50), 49);
        QCOMPARE(model.rowForKey(51), -1);
    }

    void updatesChangeTheRowInPlace()
    {
        ConnectionsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.upsert(row(1));
        model.upsert(row(2));
        // An update that arrives before the flush replaces the queued snapshot.
        model.upsert(row(2, 403, ServerConnection::Phase::Closed));
        model.flush();
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(cell(model, 1, ConnectionsModel::StatusColumn), QStringLiteral("403"));

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        ConnectionInfo open = row(1, 101, ServerConnection::Phase::Open);
        open.protocol = "json";
        model.upsert(open);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).value<QModelIndex>().row(), 0);
        QCOMPARE(changed.at(0).at(1).value<QModelIndex>().column(), ConnectionsModel::Count - 1);
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(cell(model, 0, ConnectionsModel::StatusColumn), QStringLiteral("101"));
        QCOMPARE(cell(model, 0, ConnectionsModel::ProtocolColumn), QStringLiteral("json"));
        QCOMPARE(cell(model, 0, ConnectionsModel::StateColumn), QStringLiteral("open"));
        QCOMPARE(model.data(model.index(0, 0), ConnectionsModel::KeyRole).toULongLong(), 1u);
        QCOMPARE(model.data(model.index(0, 0), ConnectionsModel::StatusRole).toInt(), 101);
    }

    void displayTexts_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("phase");
        QTest::addColumn<int>("closeCode"); // -1: none
        QTest::addColumn<QString>("statusText");
        QTest::addColumn<QString>("stateText");
        QTest::addColumn<QString>("statusTip");

        QTest::newRow("waiting for the request") << 0 << int(ServerConnection::Phase::Handshake) << -1 << "…"
                                                 << "handshake"
                                                 << "no answer yet";
        QTest::newRow("open") << 101 << int(ServerConnection::Phase::Open) << -1 << "101"
                              << "open"
                              << "101 Switching Protocols";
        QTest::newRow("origin refused") << 403 << int(ServerConnection::Phase::Closed) << -1 << "403"
                                        << "closed"
                                        << "403 Forbidden";
        QTest::newRow("closed by policy") << 101 << int(ServerConnection::Phase::Closed) << 1008 << "101"
                                          << "closed 1008"
                                          << "101 Switching Protocols";
        QTest::newRow("closing") << 101 << int(ServerConnection::Phase::Closing) << -1 << "101"
                                 << "closing"
                                 << "101 Switching Protocols";
        QTest::newRow("unknown status") << 599 << int(ServerConnection::Phase::Closed) << -1 << "599"
                                        << "closed"
                                        << "599";
    }

    void displayTexts()
    {
        QFETCH(int, status);
        QFETCH(int, phase);
        QFETCH(int, closeCode);
        QFETCH(QString, statusText);
        QFETCH(QString, stateText);
        QFETCH(QString, statusTip);

        ConnectionsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ConnectionInfo info = row(7, status, ServerConnection::Phase(phase));
        if (closeCode >= 0)
            info.closeCode = quint16(closeCode);
        model.upsert(info);
        model.flush();
        QCOMPARE(cell(model, 0, ConnectionsModel::IdColumn), QStringLiteral("7"));
        QCOMPARE(cell(model, 0, ConnectionsModel::PeerColumn), QStringLiteral("127.0.0.1:50007"));
        QCOMPARE(cell(model, 0, ConnectionsModel::StatusColumn), statusText);
        QCOMPARE(cell(model, 0, ConnectionsModel::StateColumn), stateText);
        QCOMPARE(cell(model, 0, ConnectionsModel::StatusColumn, Qt::ToolTipRole), statusTip);
        QCOMPARE(cell(model, 0, ConnectionsModel::ProtocolColumn), QStringLiteral("—"));
        QVERIFY(QRegularExpression(QStringLiteral("^\\d\\d:\\d\\d:\\d\\d$"))
                    .match(cell(model, 0, ConnectionsModel::TimeColumn))
                    .hasMatch());
    }

    void oldestRowsAreDroppedBeyondTheLimit()
    {
        ConnectionsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMaxRows(10);
        for (quint64 key = 1; key <= 8; ++key)
            model.upsert(row(key));
        model.flush();
        QCOMPARE(model.rowCount(), 8);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        for (quint64 key = 9; key <= 14; ++key)
            model.upsert(row(key));
        model.flush();
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.at(0).at(1).toInt(), 0);
        QCOMPARE(removed.at(0).at(2).toInt(), 3);
        QCOMPARE(model.info(0)->key, 5u);
        QCOMPARE(model.info(9)->key, 14u);
        QCOMPARE(model.rowForKey(4), -1);

        // A burst larger than the limit inserts only what can be shown.
        for (quint64 key = 15; key <= 40; ++key)
            model.upsert(row(key));
        model.flush();
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(model.info(0)->key, 31u);

        model.setMaxRows(3);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.info(0)->key, 38u);
    }

    void clearForgetsRowsAndQueue()
    {
        ConnectionsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.upsert(row(1));
        model.flush();
        model.upsert(row(2));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.pendingCount(), 0);
        model.flush();
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.info(0), nullptr);
    }

    void outOfOrderKeysKeepTheOrder()
    {
        ConnectionsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.upsert(row(1));
        model.upsert(row(5));
        model.flush();
        model.upsert(row(3));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.info(1)->key, 3u);
        QCOMPARE(model.rowForKey(5), 2);
    }

    void invalidIndexesAndHeaders()
    {
        ConnectionsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.upsert(row(1));
        model.flush();
        QCOMPARE(model.columnCount(), int(ConnectionsModel::Count));
        QCOMPARE(model.rowCount(model.index(0, 0)), 0); // a flat table: rows have no children
        QVERIFY(!model.data(model.index(5, 0)).isValid());
        QVERIFY(!model.data(QModelIndex()).isValid());
        QCOMPARE(model.headerData(ConnectionsModel::StatusColumn, Qt::Horizontal).toString(), QStringLiteral("Status"));
        QCOMPARE(model.headerData(ConnectionsModel::StateColumn, Qt::Horizontal).toString(), QStringLiteral("State"));
        QVERIFY(!model.headerData(ConnectionsModel::Count, Qt::Horizontal).isValid());
        QVERIFY(!model.headerData(0, Qt::Vertical).isValid());
        // Sorting by time compares the clock, not the text.
        QCOMPARE(model.data(model.index(0, ConnectionsModel::TimeColumn), ConnectionsModel::SortRole).toLongLong(),
            qint64(1000));
    }
};

QTEST_MAIN(TestConnectionsModel)
#include "tst_connectionsmodel.moc"
