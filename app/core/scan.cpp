#include "core/scan.h"

#include "core/http.h"

#include <QStringList>
#include <algorithm>

namespace wsi
{

namespace
{

bool isCredentialHeader(const QByteArray& name)
{
    return sameFieldName(name, "Cookie") || sameFieldName(name, "Authorization");
}

QByteArray originString(const QString& scheme, const QString& host, int port)
{
    const int standard = scheme == QLatin1String("https") ? 443 : 80;
    QByteArray text = scheme.toLatin1() + "://" + QUrl::toAce(host);
    if (host.contains(QLatin1Char(':')))
        text = scheme.toLatin1() + "://[" + host.toLatin1() + ']';
    if (port >= 0 && port != standard)
        text += ':' + QByteArray::number(port);
    return text;
}

// A page's origin split back into its parts (the legitimate origin may be given by hand).
struct OriginText {
    QString scheme, host;
    int port = -1;
};

OriginText splitOrigin(const QByteArray& origin)
{
    const QUrl url(QString::fromLatin1(origin));
    OriginText parts { url.scheme().toLower(), url.host(), url.port() };
    if (parts.port < 0)
        parts.port = parts.scheme == QLatin1String("https") ? 443 : 80;
    return parts;
}

HandshakeSpec baseSpec(
    const ScanSubject& subject, const std::optional<QByteArray>& origin, bool credentials, bool offerProtocols = true)
{
    HandshakeSpec spec = HandshakeSpec::withDefaults(subject.url);
    spec.origin = origin.value_or(QByteArray());
    if (credentials) {
        spec.cookie = subject.cookie;
        spec.token = subject.token;
        spec.tokenPlacement = TokenPlacement::Query;
    }
    if (offerProtocols)
        spec.protocols = subject.protocols;
    spec.syncRowsFromHelpers();
    for (const HeaderRow& row : subject.headers) {
        if (!credentials && isCredentialHeader(row.name))
            continue;
        auto existing = std::find_if(
            spec.rows.begin(), spec.rows.end(), [&row](const HeaderRow& r) { return sameFieldName(r.name, row.name); });
        if (existing != spec.rows.end())
            *existing = row;
        else
            spec.rows.append(row);
    }
    return spec;
}

bool rowIs(const ScanRow& row, ScanAspect aspect)
{
    return row.variation.aspect == aspect;
}

QString quoted(const QByteArray& value)
{
    return value.isNull() ? QStringLiteral("none") : QStringLiteral("\"%1\"").arg(QString::fromUtf8(value));
}

QString outcome(const ScanRow& row)
{
    if (row.status == 0)
        return row.error.isEmpty() ? QStringLiteral("no answer") : QStringLiteral("no answer (%1)").arg(row.error);
    if (row.status != 101)
        return QStringLiteral("%1").arg(row.status);
    if (row.accepted())
        return QStringLiteral("101, kept open");
    return QStringLiteral("101, then closed with %1").arg(row.closeCode ? QString::number(*row.closeCode) : "no code");
}

QStringList names(const QList<const ScanRow*>& rows)
{
    QStringList list;
    for (const ScanRow* row : rows)
        list.append(row->variation.name);
    return list;
}

} // namespace

bool ScanSubject::hasCredentials() const
{
    return !cookie.isEmpty() || !token.isEmpty()
        || std::any_of(headers.begin(), headers.end(), [](const HeaderRow& r) { return isCredentialHeader(r.name); });
}

QByteArray ScanSubject::legitOrigin() const
{
    return origin.isEmpty() ? scanLegitOrigin(QUrl(url)) : origin;
}

bool ScanRow::accepted() const
{
    return status == 101 && (!closeCode || (*closeCode != 1008 && *closeCode != 4001)) && (open || closeCode);
}

QByteArray scanLegitOrigin(const QUrl& url)
{
    const QString scheme
        = url.scheme().toLower() == QLatin1String("wss") ? QStringLiteral("https") : QStringLiteral("http");
    return originString(scheme, url.host(), url.port());
}

QList<ScanVariation> scanVariations(const ScanSubject& subject)
{
    const QByteArray legit = subject.legitOrigin();
    const OriginText parts = splitOrigin(legit);
    const bool https = parts.scheme == QLatin1String("https");
    const QString otherScheme = https ? QStringLiteral("http") : QStringLiteral("https");
    const int otherPort = parts.port >= 65535 ? parts.port - 1 : parts.port + 1;

    struct OriginCase {
        QString name;
        std::optional<QByteArray> origin;
    };
    const QList<OriginCase> origins {
        { QStringLiteral("origin absent"), std::nullopt },
        { QStringLiteral("origin legitimate"), legit },
        { QStringLiteral("origin foreign"), QByteArray("https://evil.example") },
        { QStringLiteral("origin null"), QByteArray("null") },
        { QStringLiteral("origin look-alike suffix"), originString(parts.scheme, parts.host + ".evil.test", -1) },
        { QStringLiteral("origin look-alike prefix"), originString(QStringLiteral("https"), "evil-" + parts.host, -1) },
        { QStringLiteral("origin other scheme"), originString(otherScheme, parts.host, parts.port) },
        { QStringLiteral("origin other port"), originString(parts.scheme, parts.host, otherPort) },
    };

    QList<ScanVariation> list;
    const bool credentials = subject.hasCredentials();
    for (const OriginCase& c : origins) {
        list.append(ScanVariation { c.name, ScanAspect::Origin, c.origin, false, baseSpec(subject, c.origin, false) });
        if (credentials) {
            list.append(ScanVariation { c.name + QStringLiteral(" + credentials"), ScanAspect::Origin, c.origin, true,
                baseSpec(subject, c.origin, true) });
        }
    }

    auto variant = [&](const QString& name, ScanAspect aspect, auto change, bool offerProtocols = true) {
        ScanVariation v { name, aspect, legit, credentials, baseSpec(subject, legit, credentials, offerProtocols) };
        change(v.spec);
        v.spec.syncRowsFromHelpers();
        list.append(v);
    };
    auto unchanged = [](HandshakeSpec&) {};
    if (!subject.protocols.isEmpty())
        variant(QStringLiteral("protocols offered"), ScanAspect::Protocol, unchanged);
    variant(QStringLiteral("protocol none"), ScanAspect::Protocol, unchanged, false);
    variant(
        QStringLiteral("protocol unknown"), ScanAspect::Protocol,
        [](HandshakeSpec& s) { s.protocols = { "x-wsinspector-unknown" }; }, false);
    for (const char* version : { "8", "13", "14" }) {
        variant(QStringLiteral("version %1").arg(QLatin1String(version)), ScanAspect::Version,
            [version](HandshakeSpec& s) { s.version = version; });
    }
    variant(QStringLiteral("key malformed"), ScanAspect::Key, [](HandshakeSpec& s) {
        s.keyMode = KeyMode::Fixed;
        s.fixedKey = "not-a-base64-nonce";
    });
    variant(QStringLiteral("deflate plain"), ScanAspect::Deflate, [](HandshakeSpec& s) {
        s.deflate = true;
        s.deflateOffer = DeflateOffer {};
        s.deflateOffer.offerClientMaxWindowBits = false;
    });
    variant(QStringLiteral("deflate client_max_window_bits"), ScanAspect::Deflate, [](HandshakeSpec& s) {
        s.deflate = true;
        s.deflateOffer = DeflateOffer {};
    });
    variant(QStringLiteral("deflate server_no_context_takeover"), ScanAspect::Deflate, [](HandshakeSpec& s) {
        s.deflate = true;
        s.deflateOffer = DeflateOffer {};
        s.deflateOffer.offerClientMaxWindowBits = false;
        s.deflateOffer.serverNoContextTakeover = true;
    });
    variant(QStringLiteral("header 20 KiB"), ScanAspect::Size, [](HandshakeSpec& s) {
        s.rows.append(HeaderRow { "X-Padding", QByteArray(20 * 1024, 'a') });
    });
    return list;
}

QList<Finding> judgeScan(const QList<ScanRow>& rows, const ScanSubject& subject)
{
    QList<Finding> findings;
    // The page the server is meant to serve: foreign and cross-site are measured against it, not against the
    // server's own address (a server behind a proxy answers for an origin of another name).
    const QUrl legit(QString::fromUtf8(subject.legitOrigin()));
    auto add = [&findings](const char* id, Severity severity, const QString& message, const QString& rfc) {
        findings.append(Finding { QString::fromLatin1(id), severity, message, rfc, {} });
    };

    // Origins: which foreign ones the server let in, with and without the credentials.
    QList<const ScanRow*> crossSiteWithCredentials, sameSiteWithCredentials, foreignAccepted;
    const ScanRow* absentWithCredentials = nullptr;
    bool withoutCredentialsRefused = false, withCredentialsAccepted = false;
    for (const ScanRow& row : rows) {
        if (!rowIs(row, ScanAspect::Origin))
            continue;
        const ScanVariation& v = row.variation;
        const bool foreign = v.origin && isCrossOrigin(*v.origin, HttpRequest {}, legit);
        if (v.credentials && row.accepted())
            withCredentialsAccepted = true;
        if (!v.credentials && !foreign && !row.accepted() && row.status != 0)
            withoutCredentialsRefused = true;
        if (!row.accepted())
            continue;
        if (!v.origin && v.credentials)
            absentWithCredentials = &row;
        if (!foreign)
            continue;
        foreignAccepted.append(&row);
        if (v.credentials)
            (isCrossSite(*v.origin, legit) ? crossSiteWithCredentials : sameSiteWithCredentials).append(&row);
    }
    const QString references = crossSiteHijackingReferences();
    if (!crossSiteWithCredentials.isEmpty()) {
        add("cswsh", Severity::Error,
            QStringLiteral("CSWSH: the server upgraded and kept open handshakes from other sites that carried the "
                           "credentials (%1). %2")
                .arg(names(crossSiteWithCredentials).join(QStringLiteral(", ")), crossSiteHijackingExplanation()),
            references);
    } else if (!sameSiteWithCredentials.isEmpty()) {
        add("cswsh", Severity::Warning,
            QStringLiteral("Origins of the same site but another origin were accepted with the credentials (%1): "
                           "another scheme or port on this host can open the connection as the user.")
                .arg(names(sameSiteWithCredentials).join(QStringLiteral(", "))),
            references);
    } else if (!subject.hasCredentials() && !foreignAccepted.isEmpty()) {
        add("cswsh", Severity::Warning,
            QStringLiteral("Foreign origins were accepted (%1). No credentials were given (--cookie, --token, -H "
                           "\"Authorization: …\"), so whether another site could act as a user is not shown.")
                .arg(names(foreignAccepted).join(QStringLiteral(", "))),
            references);
    }
    if (absentWithCredentials) {
        add("origin.absent", Severity::Warning,
            QStringLiteral("The credentials work without any Origin header: the server does not insist on one. "
                           "Browsers always send Origin, so a missing one means a client that is not a browser; a "
                           "server that checks origins should decide on purpose what to do with it."),
            QStringLiteral("RFC 6455 §4.2.1, §10.2"));
    }
    if (subject.hasCredentials() && withCredentialsAccepted) {
        add("credentials.required", Severity::Info,
            withoutCredentialsRefused
                ? QStringLiteral("The legitimate origin is refused without the credentials and accepted with them: "
                                 "the server authenticates the handshake.")
                : QStringLiteral("The legitimate origin is accepted without the credentials too: the handshake "
                                 "itself asks for no authentication."),
            QStringLiteral("RFC 6455 §4.1"));
    }

    // Subprotocols, versions, key, extensions, size: what the server does, in a sentence each.
    QStringList protocolParts, versionParts, deflateParts;
    for (const ScanRow& row : rows) {
        const ScanVariation& v = row.variation;
        if (rowIs(row, ScanAspect::Protocol)) {
            protocolParts.append(QStringLiteral("%1: %2, selected %3").arg(v.name, outcome(row), quoted(row.protocol)));
            const bool offered = v.spec.protocols.contains(row.protocol);
            if (row.status == 101 && !row.protocol.isNull() && !offered) {
                add("protocol", Severity::Warning,
                    QStringLiteral("With %1 the server selected %2, which was not offered: a client must fail the "
                                   "connection.")
                        .arg(v.name, quoted(row.protocol)),
                    QStringLiteral("RFC 6455 §4.1, §4.2.2"));
            }
        } else if (rowIs(row, ScanAspect::Version)) {
            versionParts.append(QStringLiteral("%1: %2").arg(v.name, outcome(row)));
        } else if (rowIs(row, ScanAspect::Key) && row.status == 101) {
            add("key", Severity::Warning,
                QStringLiteral("A Sec-WebSocket-Key that is not a base64 16-byte nonce was upgraded: the server "
                               "should answer 400."),
                QStringLiteral("RFC 6455 §4.2.1"));
        } else if (rowIs(row, ScanAspect::Deflate)) {
            deflateParts.append(
                QStringLiteral("%1: %2, extensions %3").arg(v.name, outcome(row), quoted(row.extensions)));
        } else if (rowIs(row, ScanAspect::Size)) {
            add("size", Severity::Info, QStringLiteral("A request with a 20 KiB header got %1.").arg(outcome(row)),
                QStringLiteral("RFC 6585 §5"));
        }
    }
    if (!protocolParts.isEmpty())
        add("protocol", Severity::Info, protocolParts.join(QStringLiteral("; ")) + '.',
            QStringLiteral("RFC 6455 §4.2.2"));
    if (!versionParts.isEmpty()) {
        add("version", Severity::Info,
            versionParts.join(QStringLiteral("; "))
                + QStringLiteral(". Only 13 is RFC 6455; for another version a server answers 426 with the versions "
                                 "it speaks."),
            QStringLiteral("RFC 6455 §4.2.2, §4.4"));
    }
    if (!deflateParts.isEmpty())
        add("extensions", Severity::Info, deflateParts.join(QStringLiteral("; ")) + '.',
            QStringLiteral("RFC 7692 §5, §7.1"));
    return findings;
}

} // namespace wsi
