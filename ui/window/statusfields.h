#pragma once
// The status bar as fields with fixed roles, so no piece of text overwrites or cuts another: the last message on the
// left (elided, the whole text in its tooltip), then what was negotiated, the counts each way, the rate, a filter
// note, and the connection's phase at the right. Each field keeps its place; a long value elides within it.

#include "ui/window/sessionstats.h"

#include <QObject>

class QLabel;
class QStatusBar;

namespace wsi
{

class ElidedLabel;

class StatusFields : public QObject
{
    Q_OBJECT
public:
    // `phase` is the window's connection phase label, placed last.
    StatusFields(QStatusBar* bar, QLabel* phase);

    // The message also goes to QStatusBar::showMessage, so currentMessage() still names it.
    void showMessage(const QString& text, bool error);
    // Empty fields hide, so a window with no session shows only the message and the phase.
    void setStats(const SessionStats::Fields& fields, const QString& shown);
    void clearStats();
    // Shares the bar again (the phase's text changed, or the bar was resized): the counts elide when they and the
    // phase would not otherwise fit beside a quarter of the bar for the message.
    void fitFields();

    ElidedLabel* message() const { return m_message; }
    ElidedLabel* negotiated() const { return m_negotiated; }
    ElidedLabel* sent() const { return m_sent; }
    ElidedLabel* received() const { return m_received; }
    ElidedLabel* rate() const { return m_rate; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    ElidedLabel* addField(const QString& name, int preferredChars, const QString& role);

    QStatusBar* m_bar;
    QLabel* m_phase;
    ElidedLabel* m_message;
    ElidedLabel* m_negotiated;
    ElidedLabel* m_sent;
    ElidedLabel* m_received;
    ElidedLabel* m_rate;
    ElidedLabel* m_dropped;
    ElidedLabel* m_shown;
};

} // namespace wsi
