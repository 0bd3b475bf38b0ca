#include "ui/help/guidelinks.h"

#include <QRegularExpression>

namespace wsi
{

QString RfcCitation::label() const
{
    return QStringLiteral("RFC %1 §%2").arg(rfc).arg(section);
}

QList<RfcCitation> rfcCitations(QStringView text)
{
    // "RFC 6455" sets the document for the "§x.y" that follow it, up to the next "RFC n". A section number ends
    // at its last digit, so the full stop after "(RFC 6455 §5.2)." is not part of it.
    static const QRegularExpression token(QStringLiteral("RFC\\s*(\\d+)|§\\s*(\\d+(?:\\.\\d+)*)"));
    QList<RfcCitation> found;
    int rfc = 0;
    for (auto it = token.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        if (m.hasCaptured(1)) {
            rfc = m.captured(1).toInt();
            continue;
        }
        if (rfc == 0)
            continue;
        const RfcCitation citation { rfc, m.captured(2) };
        if (!found.contains(citation))
            found.append(citation);
    }
    return found;
}

QString guideAnchor(const RfcCitation& citation)
{
    return QStringLiteral("rfc%1-%2").arg(citation.rfc).arg(citation.section);
}

QString guideAnchorForCitation(QStringView citation)
{
    const QList<RfcCitation> sections = rfcCitations(citation);
    return sections.isEmpty() ? QString() : guideAnchor(sections.front());
}

QString parentGuideAnchor(const QString& anchor)
{
    const qsizetype dash = anchor.indexOf(QLatin1Char('-'));
    if (dash < 0)
        return {};
    const qsizetype dot = anchor.lastIndexOf(QLatin1Char('.'));
    return dot > dash ? anchor.left(dot) : anchor.left(dash);
}

QUrl guideUrl(const QString& anchor)
{
    QUrl url(QStringLiteral("qrc:/guide/guide.html"));
    if (!anchor.isEmpty())
        url.setFragment(anchor);
    return url;
}

} // namespace wsi
