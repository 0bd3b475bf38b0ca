// The frames list's cell painter: background, selection, text colour and alignment, read from the
// pixels it paints into an image.
#include "ui/frames/framesdelegate.h"

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <QStandardItemModel>
#include <QTest>

using namespace wsi;

namespace
{

const QColor kViolation(0xfc, 0xe8, 0xe6);
const QColor kBlue(0x00, 0x20, 0xe0);
const QColor kCanvas(Qt::white);

struct Cell {
    QString text = {};
    QVariant background = {}, foreground = {}, alignment = {};
    bool selected = false;
};

QImage paintCell(const Cell& cell)
{
    QStandardItemModel model(1, 1);
    QStandardItem* item = new QStandardItem(cell.text);
    item->setData(cell.background, Qt::BackgroundRole);
    item->setData(cell.foreground, Qt::ForegroundRole);
    item->setData(cell.alignment, Qt::TextAlignmentRole);
    model.setItem(0, 0, item);

    QImage image(240, 24, QImage::Format_RGB32);
    image.fill(kCanvas);
    QStyleOptionViewItem option;
    option.rect = image.rect();
    option.palette = QApplication::palette();
    option.font = QApplication::font();
    option.state = QStyle::State_Enabled | QStyle::State_Active;
    if (cell.selected)
        option.state |= QStyle::State_Selected;
    FramesDelegate delegate;
    QPainter painter(&image);
    delegate.paint(&painter, option, model.index(0, 0));
    return image;
}

// Columns [from, to) holding a pixel that is neither of the given plain colours.
bool inkBetween(const QImage& image, int from, int to, const QColor& plain)
{
    for (int y = 0; y < image.height(); ++y) {
        for (int x = from; x < to; ++x) {
            if (image.pixelColor(x, y) != plain)
                return true;
        }
    }
    return false;
}

} // namespace

class TestFramesDelegate : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void backgroundRoleFillsTheCell()
    {
        const QImage image = paintCell({ .text = {}, .background = QVariant::fromValue(QBrush(kViolation)) });
        QCOMPARE(image.pixelColor(0, 0), kViolation);
        QCOMPARE(image.pixelColor(image.width() - 1, image.height() - 1), kViolation);
    }

    void selectionWinsOverTheBackground()
    {
        const QImage image
            = paintCell({ .text = {}, .background = QVariant::fromValue(QBrush(kViolation)), .selected = true });
        const QColor highlight = QApplication::palette().color(QPalette::Active, QPalette::Highlight);
        QCOMPARE(image.pixelColor(0, 0), highlight);
    }

    void emptyTextPaintsNoInk()
    {
        const QImage image = paintCell({});
        QVERIFY(!inkBetween(image, 0, image.width(), kCanvas));
    }

    void textTakesTheForegroundColour()
    {
        const QImage image
            = paintCell({ .text = QStringLiteral("MMMM"), .foreground = QVariant::fromValue(QBrush(kBlue)) });
        bool blue = false;
        for (int y = 0; y < image.height() && !blue; ++y) {
            for (int x = 0; x < image.width() && !blue; ++x) {
                const QColor c = image.pixelColor(x, y);
                blue = c.blue() > 150 && c.red() < 100 && c.green() < 120;
            }
        }
        QVERIFY(blue);
    }

    void alignment_data()
    {
        QTest::addColumn<int>("alignment");
        QTest::addColumn<bool>("inkLeft");
        QTest::addColumn<bool>("inkRight");
        QTest::newRow("left aligned") << int(Qt::AlignLeft | Qt::AlignVCenter) << true << false;
        QTest::newRow("right aligned") << int(Qt::AlignRight | Qt::AlignVCenter) << false << true;
        QTest::newRow("no alignment given: left") << -1 << true << false;
    }
    void alignment()
    {
        QFETCH(int, alignment);
        QFETCH(bool, inkLeft);
        QFETCH(bool, inkRight);
        const QImage image = paintCell(
            { .text = QStringLiteral("42"), .alignment = alignment >= 0 ? QVariant(alignment) : QVariant() });
        const int half = image.width() / 2;
        QCOMPARE(inkBetween(image, 0, half, kCanvas), inkLeft);
        QCOMPARE(inkBetween(image, half, image.width(), kCanvas), inkRight);
    }
};

QTEST_MAIN(TestFramesDelegate)
#include "tst_framesdelegate.moc"
