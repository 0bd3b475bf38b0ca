#pragma once
// One line of text that gives way when space is short: it elides instead of pushing its neighbours or being cut,
// and then carries the whole text as its tooltip. The status bar's fields are made of these.

#include <QFrame>

namespace wsi
{

class ElidedLabel : public QFrame
{
    Q_OBJECT
public:
    explicit ElidedLabel(QWidget* parent = nullptr);

    void setText(const QString& text);
    QString text() const { return m_text; }
    // The text as drawn at the current width ("…" where it was cut); equals text() when it fits.
    QString shownText() const;
    bool isElided() const { return shownText() != m_text; }
    // How the text is cut when it does not fit; Qt::ElideRight by default.
    void setElideMode(Qt::TextElideMode mode);
    // The tooltip shown while the text fits (what the field is); an elided text shows itself instead.
    void setRoleToolTip(const QString& tip);
    // A label kept whole never elides: its minimum is its whole text (for short numbers that must not be cut).
    void setKeepWhole(bool whole);
    // The width the label asks for at most (its size hint); 0 for the whole text.
    void setPreferredChars(int chars);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void updateToolTip();

    QString m_text;
    QString m_roleToolTip;
    Qt::TextElideMode m_mode = Qt::ElideRight;
    int m_preferredChars = 0;
    bool m_keepWhole = false;
};

} // namespace wsi
