// JSON, MessagePack and CBOR decoded to one tree; bytes that are not exactly one value are refused.
#include "ui/frames/payloadtree.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QTest>
#include <QTreeWidget>

#define MSGPACK_NO_BOOST
#include <msgpack.hpp>
#include <sstream>

using namespace wsi;

namespace
{
QByteArray sampleMsgPack()
{
    std::stringstream buffer;
    msgpack::packer<std::stringstream> pk(&buffer);
    pk.pack_map(3);
    pk.pack(std::string("user"));
    pk.pack_map(2);
    pk.pack(std::string("name"));
    pk.pack(std::string("Ada"));
    pk.pack(std::string("id"));
    pk.pack(42);
    pk.pack(std::string("tags"));
    pk.pack_array(2);
    pk.pack(std::string("a"));
    pk.pack(-7);
    pk.pack(std::string("ok"));
    pk.pack(true);
    const std::string s = buffer.str();
    return QByteArray(s.data(), qsizetype(s.size()));
}

QByteArray sampleCbor()
{
    QCborMap user;
    user.insert(QStringLiteral("name"), QStringLiteral("Ada"));
    user.insert(QStringLiteral("id"), 42);
    QCborMap root;
    root.insert(QStringLiteral("user"), user);
    root.insert(QStringLiteral("tags"), QCborArray { QStringLiteral("a"), -7 });
    root.insert(QStringLiteral("blob"), QCborValue(QByteArray("\x01\x02", 2)));
    return QCborValue(root).toCbor();
}
} // namespace

class TestPayloadTree : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void json()
    {
        PayloadNode root;
        QVERIFY(decodeJson(R"({"user":{"name":"Ada","id":42},"tags":["a",-7],"ok":true,"none":null})", &root));
        QCOMPARE(root.type, QStringLiteral("object"));
        QCOMPARE(findPayloadNode(root, { "user", "name" })->value, QStringLiteral("Ada"));
        QCOMPARE(findPayloadNode(root, { "user", "id" })->value, QStringLiteral("42"));
        QCOMPARE(findPayloadNode(root, { "tags", "[1]" })->value, QStringLiteral("-7"));
        QCOMPARE(findPayloadNode(root, { "ok" })->type, QStringLiteral("bool"));
        QCOMPARE(findPayloadNode(root, { "none" })->type, QStringLiteral("null"));
        QString error;
        QVERIFY(!decodeJson("{\"a\":", &root, &error));
        QVERIFY(error.startsWith(QLatin1String("Not JSON")));
    }

    void messagePack()
    {
        PayloadNode root;
        QString error;
        QVERIFY2(decodeMessagePack(sampleMsgPack(), &root, &error), qPrintable(error));
        QCOMPARE(root.type, QStringLiteral("map"));
        QCOMPARE(findPayloadNode(root, { "user", "name" })->value, QStringLiteral("Ada"));
        QCOMPARE(findPayloadNode(root, { "user", "id" })->value, QStringLiteral("42"));
        QCOMPARE(findPayloadNode(root, { "tags", "[1]" })->value, QStringLiteral("-7"));
        QCOMPARE(findPayloadNode(root, { "ok" })->value, QStringLiteral("true"));
        // Trailing bytes, truncation and an absurd length prefix are not MessagePack.
        QVERIFY(!decodeMessagePack(sampleMsgPack() + "x", &root, &error));
        QVERIFY(error.contains(QLatin1String("follow")));
        QVERIFY(!decodeMessagePack(sampleMsgPack().chopped(3), &root, &error));
        QVERIFY(!decodeMessagePack(QByteArray("\xdd\xff\xff\xff\xff", 5), &root, &error));
        QVERIFY(!decodeMessagePack({}, &root, &error));
    }

    void cbor()
    {
        PayloadNode root;
        QString error;
        QVERIFY2(decodeCbor(sampleCbor(), &root, &error), qPrintable(error));
        QCOMPARE(root.type, QStringLiteral("map"));
        QCOMPARE(findPayloadNode(root, { "user", "name" })->value, QStringLiteral("Ada"));
        QCOMPARE(findPayloadNode(root, { "tags", "[1]" })->value, QStringLiteral("-7"));
        QCOMPARE(findPayloadNode(root, { "blob" })->type, QStringLiteral("bytes"));
        QCOMPARE(findPayloadNode(root, { "blob" })->value, QStringLiteral("01 02"));
        QVERIFY(!decodeCbor(sampleCbor() + "\x01", &root, &error));
        QVERIFY(!decodeCbor(sampleCbor().chopped(2), &root, &error));
    }

    void hugeDocumentsAreCut()
    {
        QByteArray json = "[";
        for (int i = 0; i < kMaxPayloadNodes + 500; ++i)
            json += QByteArray::number(i) + ',';
        json.back() = ']';
        PayloadNode root;
        QVERIFY(decodeJson(json, &root));
        QCOMPARE(root.children.size(), kMaxPayloadNodes + 1);
        QCOMPARE(root.children.last().type, QStringLiteral("truncated"));
    }

    void treeWidgetShowsTheNodes()
    {
        PayloadNode root;
        QVERIFY(decodeCbor(sampleCbor(), &root));
        QTreeWidget tree;
        fillPayloadTree(&tree, root);
        QCOMPARE(tree.topLevelItemCount(), 1);
        QTreeWidgetItem* top = tree.topLevelItem(0);
        QCOMPARE(top->childCount(), 3);
        QStringList keys;
        for (int i = 0; i < top->childCount(); ++i)
            keys << top->child(i)->text(0);
        QVERIFY(keys.contains(QStringLiteral("user")));
        QVERIFY(top->isExpanded());
    }
};

QTEST_MAIN(TestPayloadTree)
#include "tst_payloadtree.moc"
