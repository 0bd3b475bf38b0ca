#pragma once
// The checks list: core Findings as rows (verdict, message, RFC section). Findings come from
// checkRequest()/checkResponse(); this model only presents them. The RFC column reads as a link: the view opens
// the user guide at that section (ui/help/citationlinks.h).

#include "core/checks.h"

#include <QAbstractTableModel>
#include <QIcon>

namespace wsi
{

class FindingsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { VerdictColumn, MessageColumn, RfcColumn, Count };
    enum Role {
        IdRole = Qt::UserRole, // QString finding id, e.g. "response.accept"
        SeverityRole, // int(Severity)
        HeaderRole, // QByteArray: the header field the finding is about, empty for the start line
        SideRole, // QString "request" or "response": which message the finding is about
        SortRole, // severity first (failures on top), then original order
        RfcRole, // QString: the RFC section(s) the finding cites, e.g. "RFC 6455 §4.2.2, §4.4"
    };

    explicit FindingsModel(QObject* parent = nullptr);

    void setFindings(const QList<Finding>& findings);
    const QList<Finding>& findings() const { return m_findings; }
    void clear() { setFindings({}); }

    // "PASS", "INFO", "WARN", "FAIL" and a matching round icon (drawn, so no image plugin is needed).
    static QString verdictText(Severity severity);
    static QIcon verdictIcon(Severity severity);
    static QColor verdictColor(Severity severity);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<Finding> m_findings;
};

} // namespace wsi
