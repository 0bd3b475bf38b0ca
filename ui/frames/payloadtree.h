#pragma once
// JSON, MessagePack and CBOR payloads decoded into one neutral tree, so a single tree widget shows
// all three the same way. Decoding is bounded: past kMaxNodes the rest is summarised, and a payload
// that is not exactly one value of the format (trailing bytes included) is not that format.

#include <QByteArray>
#include <QList>
#include <QString>

class QTreeWidget;

namespace wsi
{

struct PayloadNode {
    QString key; // member name or "[i]"; empty for the root
    QString type; // "object", "array", "string", "number", "bool", "null", "bytes", "tag", …
    QString value; // scalar text; for containers "N items"
    QList<PayloadNode> children;
};

enum class PayloadFormat { Json, MessagePack, Cbor };

inline constexpr int kMaxPayloadNodes = 20'000;

// Each returns false (with a sentence in `error` when given) when the bytes are not that format.
bool decodeJson(const QByteArray& bytes, PayloadNode* root, QString* error = nullptr);
bool decodeMessagePack(const QByteArray& bytes, PayloadNode* root, QString* error = nullptr);
bool decodeCbor(const QByteArray& bytes, PayloadNode* root, QString* error = nullptr);

QString payloadFormatName(PayloadFormat format);

// Replaces the tree's items with `root` (columns: key, type, value), expanding the first levels.
void fillPayloadTree(QTreeWidget* tree, const PayloadNode& root);
// The node at a path of keys ("user", "[0]", "name") for tests and "copy path"; null when absent.
const PayloadNode* findPayloadNode(const PayloadNode& root, const QStringList& path);

} // namespace wsi
