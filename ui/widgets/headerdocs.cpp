#include "ui/widgets/headerdocs.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace wsi
{

HeaderDocs HeaderDocs::fromJson(const QByteArray& json)
{
    HeaderDocs docs;
    const QJsonObject root = QJsonDocument::fromJson(json).object();
    for (auto it = root.begin(); it != root.end(); ++it) {
        const QJsonObject entry = it.value().toObject();
        docs.m_docs.insert(it.key().toLower(),
            HeaderDoc {
                entry.value(QStringLiteral("text")).toString(), entry.value(QStringLiteral("rfc")).toString() });
    }
    return docs;
}

const HeaderDocs& HeaderDocs::builtIn()
{
    static const HeaderDocs docs = [] {
        QFile file(QStringLiteral(":/headers.json"));
        return file.open(QIODevice::ReadOnly) ? fromJson(file.readAll()) : HeaderDocs();
    }();
    return docs;
}

const HeaderDoc* HeaderDocs::find(QByteArrayView name) const
{
    const auto it = m_docs.constFind(QString::fromLatin1(name).toLower());
    return it == m_docs.constEnd() ? nullptr : &it.value();
}

QString HeaderDocs::tooltip(QByteArrayView name) const
{
    const HeaderDoc* doc = find(name);
    if (!doc)
        return {};
    return QStringLiteral("<p><b>%1</b></p><p>%2</p><p><i>%3</i></p>")
        .arg(QString::fromLatin1(name).toHtmlEscaped(), doc->text.toHtmlEscaped(), doc->rfc.toHtmlEscaped());
}

} // namespace wsi
