#include "ui/exchange/findingsmodel.h"

#include "ui/help/citationlinks.h"
#include "ui/widgets/palette.h"

#include <QColor>
#include <QFont>
#include <QGuiApplication>
#include <QPainter>
#include <QPalette>
#include <QPixmap>

namespace wsi
{

FindingsModel::FindingsModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void FindingsModel::setFindings(const QList<Finding>& findings)
{
    beginResetModel();
    m_findings = findings;
    endResetModel();
}

QString FindingsModel::verdictText(Severity severity)
{
    switch (severity) {
    case Severity::Pass:
        return QStringLiteral("PASS");
    case Severity::Info:
        return QStringLiteral("INFO");
    case Severity::Warning:
        return QStringLiteral("WARN");
    case Severity::Error:
        return QStringLiteral("FAIL");
    }
    return {};
}

QColor FindingsModel::verdictColor(Severity severity)
{
    switch (severity) {
    case Severity::Pass:
        return palette::ok;
    case Severity::Info:
        return palette::info;
    case Severity::Warning:
        return palette::warning;
    case Severity::Error:
        return palette::error;
    }
    return {};
}

QIcon FindingsModel::verdictIcon(Severity severity)
{
    // Shape as well as colour tells the verdicts apart, for readers who do not see colour well.
    QIcon icon;
    for (int size : { 16, 32 }) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(Qt::NoPen);
        p.setBrush(verdictColor(severity));
        const qreal s = size;
        p.drawEllipse(QRectF(0.5, 0.5, s - 1, s - 1));
        QPen pen(Qt::white, s / 8.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        switch (severity) {
        case Severity::Pass:
            p.drawPolyline(
                QPolygonF({ QPointF(s * 0.27, s * 0.52), QPointF(s * 0.44, s * 0.69), QPointF(s * 0.74, s * 0.34) }));
            break;
        case Severity::Error:
            p.drawLine(QPointF(s * 0.32, s * 0.32), QPointF(s * 0.68, s * 0.68));
            p.drawLine(QPointF(s * 0.68, s * 0.32), QPointF(s * 0.32, s * 0.68));
            break;
        case Severity::Warning:
            p.drawLine(QPointF(s * 0.5, s * 0.25), QPointF(s * 0.5, s * 0.58));
            p.drawPoint(QPointF(s * 0.5, s * 0.76));
            break;
        case Severity::Info:
            p.drawPoint(QPointF(s * 0.5, s * 0.28));
            p.drawLine(QPointF(s * 0.5, s * 0.46), QPointF(s * 0.5, s * 0.74));
            break;
        }
        p.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

int FindingsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_findings.size());
}

int FindingsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : Count;
}

QVariant FindingsModel::data(const QModelIndex& index, int role) const
{
    if (!hasIndex(index.row(), index.column(), index.parent()))
        return {};
    const Finding& f = m_findings.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case VerdictColumn:
            return verdictText(f.severity);
        case MessageColumn:
            return f.message;
        case RfcColumn:
            return f.rfc;
        default:
            return {};
        }
    case Qt::DecorationRole:
        return index.column() == VerdictColumn ? QVariant(verdictIcon(f.severity)) : QVariant();
    case Qt::ForegroundRole:
        if (index.column() == VerdictColumn)
            return verdictColor(f.severity);
        if (index.column() == RfcColumn && !f.rfc.isEmpty())
            return QGuiApplication::palette().color(QPalette::Link);
        return {};
    case Qt::FontRole:
        if (index.column() == RfcColumn && !f.rfc.isEmpty()) {
            QFont link;
            link.setUnderline(true);
            return link;
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == RfcColumn && !f.rfc.isEmpty())
            return explainHint(f.rfc, tr("Click"));
        return QStringLiteral("%1 (%2)%3")
            .arg(f.message, f.id,
                f.header.isEmpty() ? QString() : tr("\nAbout the %1 header.").arg(QString::fromLatin1(f.header)));
    case IdRole:
        return f.id;
    case SeverityRole:
        return int(f.severity);
    case HeaderRole:
        return f.header;
    case SideRole:
        return f.id.startsWith(QLatin1String("request.")) ? QStringLiteral("request") : QStringLiteral("response");
    case SortRole:
        return -int(f.severity) * 10000 + index.row();
    case RfcRole:
        return f.rfc;
    default:
        return {};
    }
}

QVariant FindingsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case VerdictColumn:
        return tr("Verdict");
    case MessageColumn:
        return tr("Check");
    case RfcColumn:
        return tr("RFC");
    default:
        return {};
    }
}

} // namespace wsi
