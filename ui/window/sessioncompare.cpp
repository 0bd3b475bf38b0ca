#include "ui/window/sessioncompare.h"

#include "core/headdiff.h"
#include "ui/widgets/palette.h"

#include <QTextBrowser>
#include <QVBoxLayout>

namespace wsi
{

namespace
{
QString cell(const QByteArray& line, const QColor* background)
{
    const QString text = QString::fromUtf8(line).toHtmlEscaped();
    return background
        ? QStringLiteral("<td style=\"background:%1\"><code>%2</code></td>").arg(palette::css(*background), text)
        : QStringLiteral("<td><code>%1</code></td>").arg(text);
}

QString diffTable(const QString& heading, const QList<HeadLineDiff>& diff)
{
    static const QColor changed(0xff, 0xf3, 0xcd);
    static const QColor missing = palette::violationBackground;
    static const QColor added(0xe6, 0xf4, 0xea);
    QString rows;
    for (const HeadLineDiff& d : diff) {
        switch (d.kind) {
        case HeadLineDiff::Kind::Same:
            rows += QStringLiteral("<tr><td></td>%1%2</tr>").arg(cell(d.first, nullptr), cell(d.second, nullptr));
            break;
        case HeadLineDiff::Kind::Changed:
            rows += QStringLiteral("<tr><td>≠</td>%1%2</tr>").arg(cell(d.first, &changed), cell(d.second, &changed));
            break;
        case HeadLineDiff::Kind::OnlyFirst:
            rows += QStringLiteral("<tr><td>−</td>%1%2</tr>").arg(cell(d.first, &missing), cell({}, nullptr));
            break;
        case HeadLineDiff::Kind::OnlySecond:
            rows += QStringLiteral("<tr><td>+</td>%1%2</tr>").arg(cell({}, nullptr), cell(d.second, &added));
            break;
        }
    }
    const QString verdict = diff.isEmpty() ? QObject::tr("(neither has one)")
        : headsDiffer(diff)                ? QString()
                                           : QObject::tr("(identical)");
    return QStringLiteral("<h3>%1 %2</h3><table cellspacing=\"0\" cellpadding=\"3\" width=\"100%\">%3</table>")
        .arg(heading.toHtmlEscaped(), verdict, rows);
}

QList<QByteArray> stepLines(const QList<DecisionStep>& steps)
{
    QList<QByteArray> lines;
    for (const DecisionStep& step : steps)
        lines.append(decisionStepText(step).toUtf8());
    return lines;
}
} // namespace

SessionCompareWindow::SessionCompareWindow(QWidget* parent)
    : QWidget(parent, Qt::Window)
    , m_view(new QTextBrowser(this))
{
    setWindowTitle(tr("Compare sessions"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    resize(1000, 640);
}

void SessionCompareWindow::compare(const ComparedSession& a, const ComparedSession& b)
{
    const auto state = [](const ComparedSession& s) {
        return s.exchange.state ? s.exchange.state->headline.toUtf8() : QByteArray();
    };
    QString html = QStringLiteral("<table width=\"100%\"><tr><th></th><th align=\"left\">%1</th>"
                                  "<th align=\"left\">%2</th></tr></table>")
                       .arg(a.title.toHtmlEscaped(), b.title.toHtmlEscaped());
    html += diffTable(tr("Outcome"), diffLines({ state(a) }, { state(b) }));
    html += diffTable(tr("Request"), diffHeads(a.exchange.rawRequest, b.exchange.rawRequest));
    html += diffTable(tr("Response"), diffHeads(a.exchange.rawResponse, b.exchange.rawResponse));
    if (!a.serverSteps.isEmpty() || !b.serverSteps.isEmpty())
        html += diffTable(tr("Server's decision"), diffLines(stepLines(a.serverSteps), stepLines(b.serverSteps)));
    m_view->setHtml(html);
}

QString SessionCompareWindow::plainText() const
{
    return m_view->toPlainText();
}

} // namespace wsi
