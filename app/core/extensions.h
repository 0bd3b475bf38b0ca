#pragma once
// The Sec-WebSocket-Extensions grammar (RFC 6455 §9.1):
//   extension-list = 1#extension
//   extension      = token *( ";" extension-param )
//   extension-param = token [ "=" ( token / quoted-string ) ]
// A quoted value must still be a token once unquoted. Optional whitespace is accepted around
// ";", "=" and ",", and empty list elements are skipped (RFC 9110 §5.6.1).

#include "core/headerlist.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <optional>

namespace wsi
{

struct ExtensionParam {
    QByteArray name;
    std::optional<QByteArray> value; // unquoted
    bool quoted = false; // the value was written as a quoted-string on the wire
    bool operator==(const ExtensionParam&) const = default;
};

struct Extension {
    QByteArray name;
    QList<ExtensionParam> params;
    bool hasParam(QByteArrayView name) const;
    // The first parameter with that name; nullopt when absent or when it has no value.
    std::optional<QByteArray> paramValue(QByteArrayView name) const;
    bool operator==(const Extension&) const = default;
};

struct ExtensionList {
    QList<Extension> extensions;
    QString error;
    qsizetype errorOffset = -1;
    bool ok() const { return errorOffset < 0; }
};

ExtensionList parseExtensions(QByteArrayView headerValue);
// Every Sec-WebSocket-Extensions field joined with ", " in wire order (offsets refer to that
// joined text). No field at all is an empty, valid list.
ExtensionList parseExtensions(const HeaderList& headers);
QByteArray serializeExtensions(const QList<Extension>& extensions);

} // namespace wsi
