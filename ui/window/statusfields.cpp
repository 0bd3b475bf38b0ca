#include "ui/window/statusfields.h"

#include "ui/widgets/elidedlabel.h"
#include "ui/widgets/palette.h"

#include <QEvent>
#include <QLabel>
#include <QStatusBar>

namespace wsi
{

StatusFields::StatusFields(QStatusBar* bar, QLabel* phase)
    : QObject(bar)
    , m_bar(bar)
    , m_phase(phase)
    , m_message(new ElidedLabel(bar))
{
    // The message is a field of its own that takes the room the others leave; QStatusBar's own painting of it is
    // left no room, so the text is drawn once, elided, and never under another field.
    m_message->setObjectName(QStringLiteral("statusMessage"));
    m_message->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    bar->addPermanentWidget(m_message, 1);
    connect(bar, &QStatusBar::messageChanged, m_message, &ElidedLabel::setText);

    m_negotiated = addField(QStringLiteral("statusNegotiated"), 40, tr("Negotiated subprotocol and extensions"));
    m_sent = addField(QStringLiteral("statusSent"), 0,
        tr("Frames sent and their bytes on the wire (header with any mask key, payload as sent); the "
           "handshake's bytes apart; TLS not counted"));
    m_received = addField(QStringLiteral("statusReceived"), 0,
        tr("Frames received and their bytes on the wire (header with any mask key, payload as sent); "
           "the handshake's bytes apart; TLS not counted"));
    m_rate = addField(QStringLiteral("statusRate"), 0, tr("Frames per second"));
    m_dropped = addField(QStringLiteral("statusDropped"), 0, tr("Frames the record had no room for"));
    m_dropped->setStyleSheet(QStringLiteral("color: %1;").arg(palette::css(palette::warning)));
    m_shown = addField(QStringLiteral("statusShown"), 0, tr("The frames filter hides some frames"));
    if (phase) {
        phase->setObjectName(QStringLiteral("statusPhase"));
        bar->addPermanentWidget(phase);
    }
    clearStats();
    bar->installEventFilter(this);
}

bool StatusFields::eventFilter(QObject* watched, QEvent* event)
{
    // The message keeps a quarter of the bar however many numbers there are; the fields elide into the rest.
    if (watched == m_bar && event->type() == QEvent::Resize)
        fitFields();
    return QObject::eventFilter(watched, event);
}

void StatusFields::fitFields()
{
    // The message keeps a quarter of the bar. The counts read whole while they fit beside it (what was negotiated
    // gives way first); when even they do not, they elide too, each with its whole text in the tooltip.
    const int room = m_bar->width();
    const int gap = 8;
    int whole = m_phase ? m_phase->sizeHint().width() + gap : 0;
    const ElidedLabel* counts[] = { m_sent, m_received, m_rate, m_dropped, m_shown };
    for (const ElidedLabel* count : counts) {
        if (!count->isHidden())
            whole += count->sizeHint().width() + gap;
    }
    const bool keep = whole + room / 4 + m_negotiated->fontMetrics().horizontalAdvance(QStringLiteral("json…")) <= room;
    for (ElidedLabel* count : { m_sent, m_received, m_rate, m_dropped, m_shown })
        count->setKeepWhole(keep);
    m_message->setMinimumWidth(room / 4);
}

ElidedLabel* StatusFields::addField(const QString& name, int preferredChars, const QString& role)
{
    auto* field = new ElidedLabel(m_bar);
    field->setObjectName(name);
    field->setPreferredChars(preferredChars);
    field->setAccessibleName(role);
    field->setRoleToolTip(role);
    m_bar->addPermanentWidget(field);
    return field;
}

void StatusFields::showMessage(const QString& text, bool error)
{
    m_message->setStyleSheet(error ? QStringLiteral("color: %1;").arg(palette::css(palette::error)) : QString());
    m_bar->showMessage(text);
}

void StatusFields::setStats(const SessionStats::Fields& fields, const QString& shown)
{
    const std::pair<ElidedLabel*, QString> values[] = { { m_negotiated, fields.negotiated }, { m_sent, fields.sent },
        { m_received, fields.received }, { m_rate, fields.rate }, { m_dropped, fields.dropped }, { m_shown, shown } };
    for (const auto& [field, text] : values) {
        field->setText(text);
        field->setVisible(!text.isEmpty());
    }
    fitFields();
}

void StatusFields::clearStats()
{
    setStats({}, {});
}

} // namespace wsi
