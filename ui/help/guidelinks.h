#pragma once
// How an RFC citation that a check, a decision step or a violation shows becomes a place in the user guide.
// The guide (resources/guide/guide.html) explains each cited section under a heading whose anchor is
// guideAnchor(): "RFC 6455 §4.2.1" → "rfc6455-4.2.1".

#include <QList>
#include <QString>
#include <QUrl>

namespace wsi
{

// One RFC section named in a piece of text.
struct RfcCitation {
    int rfc = 0; // 6455
    QString section; // "4.2.1"

    QString label() const; // "RFC 6455 §4.2.1"
    bool operator==(const RfcCitation&) const = default;
};

// Every section `text` cites, in order and without repeats. "RFC 6455 §4.2.2, §4.4" cites two sections of
// RFC 6455; "RFC 9112 §2.2, RFC 6455 §4.2.1" one of each; a bare "§7.1.1.1" with no RFC number before it cites
// nothing, because it cannot be told which RFC it belongs to.
QList<RfcCitation> rfcCitations(QStringView text);

// The guide's anchor for one section: "rfc6455-4.2.1".
QString guideAnchor(const RfcCitation& citation);
// The anchor for the first section `citation` names ("RFC 6455 §4.2.2, §4.4" → "rfc6455-4.2.2"); empty when it
// names none.
QString guideAnchorForCitation(QStringView citation);
// The anchor of the enclosing section ("rfc7692-7.1.2.2" → "rfc7692-7.1.2"), then the RFC's overview
// ("rfc7692-7" → "rfc7692"); empty after that. The help window falls back along this chain when the guide has
// no heading for a section that is cited.
QString parentGuideAnchor(const QString& anchor);

// The guide in the program's resources, opened at `anchor` when given.
QUrl guideUrl(const QString& anchor = {});

} // namespace wsi
