#pragma once
// `scan`: a matrix of handshake variations sent to one server, and the judgement of what the server did with
// them. Both halves are pure: scanVariations() says what to send, judgeScan() reads the answers; the engine only
// sends and records.

#include "core/checks.h"
#include "core/handshakespec.h"

#include <QList>
#include <QString>
#include <optional>

namespace wsi
{

// What the user points the scan at and the credentials they gave.
struct ScanSubject {
    QString url; // ws:// or wss://
    QByteArray origin; // the legitimate origin; empty: the URL's own (scanLegitOrigin)
    QList<HeaderRow> headers; // -H rows sent with every variation
    QByteArray cookie; // sent as the Cookie header
    QByteArray token; // sent as the query parameter token=
    QList<QByteArray> protocols; // offered by every variation except the protocol ones
    bool hasCredentials() const;
    QByteArray legitOrigin() const; // origin, or else the URL's own
};

// What one variation changes; the judgement groups rows by it.
enum class ScanAspect { Origin, Protocol, Version, Key, Deflate, Size };

struct ScanVariation {
    QString name; // "origin foreign + credentials": short, unique, stable
    ScanAspect aspect = ScanAspect::Origin;
    std::optional<QByteArray> origin; // nullopt: no Origin header
    bool credentials = false; // carries the subject's credentials
    HandshakeSpec spec; // what is sent
};

// One variation and what the server did with it.
struct ScanRow {
    ScanVariation variation;
    QByteArray request; // the request as sent
    int status = 0; // 0: no answer
    QByteArray protocol, extensions; // null when the response has no such header
    bool open = false; // still open at the end of the short wait after a 101
    std::optional<quint16> closeCode; // the server's close code during that wait
    QString error; // why the attempt failed, when it did (empty otherwise)
    // Upgraded and not refused right after: a 101 the server did not follow with a policy close (1008, 4001).
    bool accepted() const;
};

// The origin a browser page on the URL's own site sends: http(s)://host[:port] (the port when not the default).
QByteArray scanLegitOrigin(const QUrl& url);

// The matrix, at most about 40 rows: Origin absent, legitimate, foreign, null and look-alikes (each with and
// without credentials when some are given), then subprotocols, versions 8/13/14, a malformed key, three
// permessage-deflate offers and an oversized header, all with the legitimate origin and the credentials.
QList<ScanVariation> scanVariations(const ScanSubject& subject);

// The verdicts, each with its reason and RFC section. Ids: cswsh (Error when a cross-site origin carrying the
// credentials is accepted; origins count as foreign and cross-site against the legitimate origin; Warning when only a
// same-site one is, or when any foreign origin is accepted and no credentials were given), origin.absent (Warning: the
// credentials work with no Origin), credentials.required (Info), protocol, version, key, extensions, size (Info or
// Warning). Severity::Pass findings are not returned.
QList<Finding> judgeScan(const QList<ScanRow>& rows, const ScanSubject& subject);

} // namespace wsi
