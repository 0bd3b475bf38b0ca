#include "ui/widgets/elidedlabel.h"

#include <QPainter>
#include <QStyle>

namespace wsi
{

ElidedLabel::ElidedLabel(QWidget* parent)
    : QFrame(parent)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

void ElidedLabel::setText(const QString& text)
{
    // One line: a line break would otherwise be drawn as nothing and hide what follows it.
    QString line = text;
    line.replace(QLatin1Char('\n'), QLatin1Char(' '));
    if (line == m_text)
        return;
    m_text = line;
    updateGeometry();
    updateToolTip();
    update();
}

void ElidedLabel::setElideMode(Qt::TextElideMode mode)
{
    m_mode = mode;
    updateToolTip();
    update();
}

void ElidedLabel::setRoleToolTip(const QString& tip)
{
    m_roleToolTip = tip;
    updateToolTip();
}

void ElidedLabel::setKeepWhole(bool whole)
{
    m_keepWhole = whole;
    updateGeometry();
}

void ElidedLabel::setPreferredChars(int chars)
{
    m_preferredChars = chars;
    updateGeometry();
}

QString ElidedLabel::shownText() const
{
    return fontMetrics().elidedText(m_text, m_mode, contentsRect().width());
}

QSize ElidedLabel::sizeHint() const
{
    const QFontMetrics fm = fontMetrics();
    int width = fm.horizontalAdvance(m_text);
    if (m_preferredChars > 0)
        width = std::min(width, fm.averageCharWidth() * m_preferredChars);
    const QMargins m = contentsMargins();
    return { width + m.left() + m.right() + 2, fm.height() + m.top() + m.bottom() };
}

QSize ElidedLabel::minimumSizeHint() const
{
    if (m_keepWhole)
        return sizeHint();
    // Enough for a few letters and the ellipsis: the rest shows in the tooltip.
    const QFontMetrics fm = fontMetrics();
    const QMargins m = contentsMargins();
    return { std::min(sizeHint().width(), fm.horizontalAdvance(QStringLiteral("Mm…")) + m.left() + m.right()),
        fm.height() + m.top() + m.bottom() };
}

void ElidedLabel::paintEvent(QPaintEvent* event)
{
    QFrame::paintEvent(event);
    QPainter painter(this);
    painter.setPen(palette().color(isEnabled() ? QPalette::Active : QPalette::Disabled, foregroundRole()));
    painter.drawText(contentsRect(), Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine, shownText());
}

void ElidedLabel::resizeEvent(QResizeEvent* event)
{
    QFrame::resizeEvent(event);
    updateToolTip();
}

void ElidedLabel::updateToolTip()
{
    setToolTip(isElided() ? m_text : m_roleToolTip);
}

} // namespace wsi
