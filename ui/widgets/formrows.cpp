#include "ui/widgets/formrows.h"

#include <QFormLayout>
#include <QWidget>

namespace wsi
{

void wrapLongRowsExactly(QFormLayout* form)
{
    const int gap = form->horizontalSpacing();
    if (gap <= 0)
        return;
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form->setHorizontalSpacing(0);
    for (int row = 0; row < form->rowCount(); ++row) {
        QLayoutItem* label = form->itemAt(row, QFormLayout::LabelRole);
        if (!label || !label->widget())
            continue;
        QMargins margins = label->widget()->contentsMargins();
        margins.setRight(margins.right() + gap);
        label->widget()->setContentsMargins(margins);
    }
}

} // namespace wsi
