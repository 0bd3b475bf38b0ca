#pragma once
// A long form that scrolls up and down as a whole. It never scrolls sideways: it asks its dock or splitter for
// the width the form needs (its minimum plus the scroll bar), so every row keeps its controls whole.

#include <QScrollArea>

namespace wsi
{

class FormScrollArea : public QScrollArea
{
    Q_OBJECT
public:
    explicit FormScrollArea(QWidget* parent = nullptr);

    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    int chromeWidth() const; // the scroll bar and frame beside the form
};

} // namespace wsi
