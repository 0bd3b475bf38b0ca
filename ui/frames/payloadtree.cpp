#include "ui/frames/payloadtree.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborStreamReader>
#include <QCborValue>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTreeWidget>

#ifndef MSGPACK_NO_BOOST
#define MSGPACK_NO_BOOST
#endif
#include <msgpack.hpp>

namespace wsi
{

namespace
{
constexpr int kMaxDepth = 64;
constexpr int kMaxShownBytes = 64;

struct Budget {
    int nodes = kMaxPayloadNodes;
    bool take() { return nodes-- > 0; }
};

QString countText(int n, const char* one, const char* many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}

PayloadNode truncatedNode()
{
    return PayloadNode { QStringLiteral("…"), QStringLiteral("truncated"),
        QObject::tr("more values than the view shows (%1)").arg(kMaxPayloadNodes), {} };
}

QString bytesText(const QByteArray& bytes)
{
    QString out = QString::fromLatin1(bytes.left(kMaxShownBytes).toHex(' '));
    if (bytes.size() > kMaxShownBytes)
        out += QObject::tr(" … (%1 bytes)").arg(bytes.size());
    return out;
}

PayloadNode fromJson(const QJsonValue& v, const QString& key, Budget& budget, int depth)
{
    PayloadNode n;
    n.key = key;
    switch (v.type()) {
    case QJsonValue::Object: {
        const QJsonObject o = v.toObject();
        n.type = QStringLiteral("object");
        n.value = countText(int(o.size()), "member", "members");
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (!budget.take() || depth > kMaxDepth) {
                n.children.append(truncatedNode());
                break;
            }
            n.children.append(fromJson(it.value(), it.key(), budget, depth + 1));
        }
        break;
    }
    case QJsonValue::Array: {
        const QJsonArray a = v.toArray();
        n.type = QStringLiteral("array");
        n.value = countText(int(a.size()), "item", "items");
        for (int i = 0; i < a.size(); ++i) {
            if (!budget.take() || depth > kMaxDepth) {
                n.children.append(truncatedNode());
                break;
            }
            n.children.append(fromJson(a.at(i), QStringLiteral("[%1]").arg(i), budget, depth + 1));
        }
        break;
    }
    case QJsonValue::String:
        n.type = QStringLiteral("string");
        n.value = v.toString();
        break;
    case QJsonValue::Double:
        n.type = QStringLiteral("number");
        n.value = QString::number(v.toDouble(), 'g', 17);
        break;
    case QJsonValue::Bool:
        n.type = QStringLiteral("bool");
        n.value = v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        break;
    case QJsonValue::Null:
        n.type = QStringLiteral("null");
        n.value = QStringLiteral("null");
        break;
    case QJsonValue::Undefined:
        n.type = QStringLiteral("undefined");
        break;
    }
    return n;
}

PayloadNode fromMsgPack(const msgpack::object& o, const QString& key, Budget& budget, int depth)
{
    PayloadNode n;
    n.key = key;
    switch (o.type) {
    case msgpack::type::NIL:
        n.type = QStringLiteral("nil");
        n.value = QStringLiteral("nil");
        break;
    case msgpack::type::BOOLEAN:
        n.type = QStringLiteral("bool");
        n.value = o.via.boolean ? QStringLiteral("true") : QStringLiteral("false");
        break;
    case msgpack::type::POSITIVE_INTEGER:
        n.type = QStringLiteral("integer");
        n.value = QString::number(qulonglong(o.via.u64));
        break;
    case msgpack::type::NEGATIVE_INTEGER:
        n.type = QStringLiteral("integer");
        n.value = QString::number(qlonglong(o.via.i64));
        break;
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64:
        n.type = QStringLiteral("float");
        n.value = QString::number(o.via.f64, 'g', 17);
        break;
    case msgpack::type::STR:
        n.type = QStringLiteral("string");
        n.value = QString::fromUtf8(o.via.str.ptr, qsizetype(o.via.str.size));
        break;
    case msgpack::type::BIN:
        n.type = QStringLiteral("bytes");
        n.value = bytesText(QByteArray(o.via.bin.ptr, qsizetype(o.via.bin.size)));
        break;
    case msgpack::type::EXT:
        n.type = QStringLiteral("ext %1").arg(int(o.via.ext.type()));
        n.value = bytesText(QByteArray(o.via.ext.data(), qsizetype(o.via.ext.size)));
        break;
    case msgpack::type::ARRAY:
        n.type = QStringLiteral("array");
        n.value = countText(int(o.via.array.size), "item", "items");
        for (quint32 i = 0; i < o.via.array.size; ++i) {
            if (!budget.take() || depth > kMaxDepth) {
                n.children.append(truncatedNode());
                break;
            }
            n.children.append(fromMsgPack(o.via.array.ptr[i], QStringLiteral("[%1]").arg(i), budget, depth + 1));
        }
        break;
    case msgpack::type::MAP:
        n.type = QStringLiteral("map");
        n.value = countText(int(o.via.map.size), "member", "members");
        for (quint32 i = 0; i < o.via.map.size; ++i) {
            if (!budget.take() || depth > kMaxDepth) {
                n.children.append(truncatedNode());
                break;
            }
            const msgpack::object& k = o.via.map.ptr[i].key;
            QString name;
            if (k.type == msgpack::type::STR)
                name = QString::fromUtf8(k.via.str.ptr, qsizetype(k.via.str.size));
            else
                name = fromMsgPack(k, {}, budget, depth + 1).value;
            n.children.append(fromMsgPack(o.via.map.ptr[i].val, name, budget, depth + 1));
        }
        break;
    }
    return n;
}

PayloadNode fromCbor(const QCborValue& v, const QString& key, Budget& budget, int depth)
{
    PayloadNode n;
    n.key = key;
    if (v.isMap()) {
        const QCborMap m = v.toMap();
        n.type = QStringLiteral("map");
        n.value = countText(int(m.size()), "member", "members");
        for (auto it = m.begin(); it != m.end(); ++it) {
            if (!budget.take() || depth > kMaxDepth) {
                n.children.append(truncatedNode());
                break;
            }
            const QCborValue k = it.key();
            const QString name = k.isString() ? k.toString() : k.toDiagnosticNotation();
            n.children.append(fromCbor(it.value(), name, budget, depth + 1));
        }
    } else if (v.isArray()) {
        const QCborArray a = v.toArray();
        n.type = QStringLiteral("array");
        n.value = countText(int(a.size()), "item", "items");
        for (qsizetype i = 0; i < a.size(); ++i) {
            if (!budget.take() || depth > kMaxDepth) {
                n.children.append(truncatedNode());
                break;
            }
            n.children.append(fromCbor(a.at(i), QStringLiteral("[%1]").arg(i), budget, depth + 1));
        }
    } else if (v.isTag()) {
        n.type = QStringLiteral("tag %1").arg(qulonglong(v.tag()));
        if (budget.take())
            n.children.append(fromCbor(v.taggedValue(), QStringLiteral("value"), budget, depth + 1));
        n.value = v.toDiagnosticNotation().left(200);
    } else if (v.isString()) {
        n.type = QStringLiteral("string");
        n.value = v.toString();
    } else if (v.isByteArray()) {
        n.type = QStringLiteral("bytes");
        n.value = bytesText(v.toByteArray());
    } else if (v.isInteger()) {
        n.type = QStringLiteral("integer");
        n.value = QString::number(v.toInteger());
    } else if (v.isDouble()) {
        n.type = QStringLiteral("float");
        n.value = QString::number(v.toDouble(), 'g', 17);
    } else if (v.isBool()) {
        n.type = QStringLiteral("bool");
        n.value = v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    } else if (v.isNull()) {
        n.type = QStringLiteral("null");
        n.value = QStringLiteral("null");
    } else {
        n.type = QStringLiteral("simple");
        n.value = v.toDiagnosticNotation();
    }
    return n;
}

void addItems(QTreeWidgetItem* parent, const PayloadNode& node)
{
    for (const PayloadNode& child : node.children) {
        auto* item = new QTreeWidgetItem(parent, { child.key, child.type, child.value });
        item->setToolTip(2, child.value.left(2000));
        addItems(item, child);
    }
}
} // namespace

bool decodeJson(const QByteArray& bytes, PayloadNode* root, QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError || doc.isNull()) {
        if (error)
            *error = QObject::tr("Not JSON: %1 at byte %2.").arg(parseError.errorString()).arg(parseError.offset);
        return false;
    }
    Budget budget;
    *root = fromJson(doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array()), {}, budget, 0);
    return true;
}

bool decodeMessagePack(const QByteArray& bytes, PayloadNode* root, QString* error)
{
    if (bytes.isEmpty()) {
        if (error)
            *error = QObject::tr("Not MessagePack: the payload is empty.");
        return false;
    }
    try {
        std::size_t offset = 0;
        // The limits keep a hostile length prefix from allocating gigabytes before it fails.
        const msgpack::unpack_limit limits(100'000, 100'000, 1 << 24, 1 << 24, 1 << 24, kMaxDepth);
        const msgpack::object_handle handle
            = msgpack::unpack(bytes.constData(), std::size_t(bytes.size()), offset, nullptr, nullptr, limits);
        if (offset != std::size_t(bytes.size())) {
            if (error)
                *error = QObject::tr("Not MessagePack: %1 bytes follow the first value.")
                             .arg(qsizetype(std::size_t(bytes.size()) - offset));
            return false;
        }
        Budget budget;
        *root = fromMsgPack(handle.get(), {}, budget, 0);
        return true;
    } catch (const std::exception& e) {
        if (error)
            *error = QObject::tr("Not MessagePack: %1.").arg(QString::fromUtf8(e.what()));
        return false;
    }
}

bool decodeCbor(const QByteArray& bytes, PayloadNode* root, QString* error)
{
    QCborStreamReader reader(bytes);
    const QCborValue value = QCborValue::fromCbor(reader);
    if (reader.lastError() != QCborError::NoError) {
        if (error)
            *error = QObject::tr("Not CBOR: %1.").arg(reader.lastError().toString());
        return false;
    }
    if (reader.currentOffset() != bytes.size()) {
        if (error)
            *error
                = QObject::tr("Not CBOR: %1 bytes follow the first value.").arg(bytes.size() - reader.currentOffset());
        return false;
    }
    Budget budget;
    *root = fromCbor(value, {}, budget, 0);
    return true;
}

QString payloadFormatName(PayloadFormat format)
{
    switch (format) {
    case PayloadFormat::Json:
        return QStringLiteral("JSON");
    case PayloadFormat::MessagePack:
        return QStringLiteral("MessagePack");
    case PayloadFormat::Cbor:
        return QStringLiteral("CBOR");
    }
    return {};
}

void fillPayloadTree(QTreeWidget* tree, const PayloadNode& root)
{
    tree->clear();
    tree->setColumnCount(3);
    tree->setHeaderLabels({ QObject::tr("Key"), QObject::tr("Type"), QObject::tr("Value") });
    auto* top = new QTreeWidgetItem(tree, { QObject::tr("(root)"), root.type, root.value });
    addItems(top, root);
    tree->expandToDepth(1);
    tree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
}

const PayloadNode* findPayloadNode(const PayloadNode& root, const QStringList& path)
{
    const PayloadNode* node = &root;
    for (const QString& key : path) {
        const PayloadNode* next = nullptr;
        for (const PayloadNode& child : node->children) {
            if (child.key == key) {
                next = &child;
                break;
            }
        }
        if (!next)
            return nullptr;
        node = next;
    }
    return node;
}

} // namespace wsi
