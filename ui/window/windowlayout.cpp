#include "ui/window/windowlayout.h"

#include "ui/window/windowsettings.h"

#include <QDockWidget>
#include <QEvent>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMainWindow>
#include <QResizeEvent>
#include <QSettings>
#include <QSplitter>
#include <QStyle>
#include <QTimer>
#include <algorithm>

namespace wsi
{

namespace
{
// Shares beyond the minimums: what reads well on a wide screen without starving the centre.
constexpr int kBuilderPercent = 28;
constexpr int kServerPercent = 26;
constexpr int kStackedPercent = 30;
constexpr int kBuilderMostWidth = 460;
constexpr int kServerMostWidth = 420;
constexpr int kMostDockWidth = 100'000; // a saved width beyond this is not a width

int minimumWidthOf(const QWidget* widget)
{
    return widget ? std::max(widget->minimumWidth(), widget->minimumSizeHint().width()) : 0;
}

// Shrinks `a` and `b` (never below their minimums) until a + b fits `room`, each giving up in proportion to what
// it has above its minimum.
void fitPair(int room, int& a, int aMinimum, int& b, int bMinimum)
{
    const int excess = a + b - room;
    if (excess <= 0)
        return;
    const int spareA = std::max(0, a - aMinimum);
    const int spareB = std::max(0, b - bMinimum);
    const int spare = spareA + spareB;
    if (spare <= 0)
        return;
    const int taken = std::min(excess, spare);
    const int fromA = int(qint64(taken) * spareA / spare);
    a -= fromA;
    b -= taken - fromA;
}
} // namespace

ColumnPlan planColumns(int room, int builderMinimum, int serverMinimum, int centreMinimum)
{
    ColumnPlan plan;
    if (builderMinimum + serverMinimum + centreMinimum > room) {
        plan.stacked = true;
        const int leftMinimum = std::max(builderMinimum, serverMinimum);
        plan.left = std::clamp(room * kStackedPercent / 100, leftMinimum, std::max(leftMinimum, room - centreMinimum));
        return plan;
    }
    plan.left = std::clamp(room * kBuilderPercent / 100, builderMinimum, std::max(builderMinimum, kBuilderMostWidth));
    plan.right = std::clamp(room * kServerPercent / 100, serverMinimum, std::max(serverMinimum, kServerMostWidth));
    fitPair(room - centreMinimum, plan.left, builderMinimum, plan.right, serverMinimum);
    return plan;
}

bool savedWindowFits(QSize saved, QSize available)
{
    return saved.isValid() && available.isValid() && saved.width() <= available.width()
        && saved.height() <= available.height();
}

WindowLayout::WindowLayout(QMainWindow* window, QDockWidget* builder, QDockWidget* server)
    : QObject(window)
    , m_window(window)
    , m_builder(builder)
    , m_server(server)
{
    window->installEventFilter(this);
    for (QDockWidget* dock : { builder, server }) {
        if (dock)
            dock->installEventFilter(this);
    }
}

int WindowLayout::separator() const
{
    return m_window->style()->pixelMetric(QStyle::PM_DockWidgetSeparatorExtent, nullptr, m_window);
}

bool WindowLayout::docked(const QDockWidget* dock) const
{
    return dock && !dock->isFloating() && !dock->isHidden();
}

int WindowLayout::minimumWidthForColumns() const
{
    return minimumWidthOf(m_builder) + minimumWidthOf(m_server) + minimumWidthOf(m_window->centralWidget())
        + 2 * separator();
}

void WindowLayout::applyDefault()
{
    m_arranging = true;
    for (QDockWidget* dock : { m_builder.data(), m_server.data() }) {
        if (!dock)
            continue;
        dock->setFloating(false);
        dock->show();
    }
    if (m_builder)
        m_window->addDockWidget(Qt::LeftDockWidgetArea, m_builder);
    m_stacked = false;
    if (m_builder && m_server) {
        const int room = m_window->width() - 2 * separator();
        const ColumnPlan plan = planColumns(
            room, minimumWidthOf(m_builder), minimumWidthOf(m_server), minimumWidthOf(m_window->centralWidget()));
        if (plan.stacked) {
            stack(true);
            m_window->resizeDocks({ m_builder }, { plan.left }, Qt::Horizontal);
        } else {
            m_window->addDockWidget(Qt::RightDockWidgetArea, m_server);
            m_window->resizeDocks({ m_builder, m_server }, { plan.left, plan.right }, Qt::Horizontal);
            m_wanted.insert(m_builder->objectName(), plan.left);
            m_wanted.insert(m_server->objectName(), plan.right);
        }
    } else if (m_builder) {
        const int width = std::max(minimumWidthOf(m_builder), m_window->width() * kBuilderPercent / 100);
        m_window->resizeDocks({ m_builder }, { width }, Qt::Horizontal);
    }
    m_settledSize = m_window->size();
    m_arranging = false;
}

void WindowLayout::stack(bool on)
{
    if (!m_builder || !m_server)
        return;
    m_arranging = true;
    if (on) {
        m_window->addDockWidget(Qt::LeftDockWidgetArea, m_server);
        m_window->splitDockWidget(m_builder, m_server, Qt::Vertical);
        const int height = m_builder->height() + m_server->height();
        if (height > 0)
            m_window->resizeDocks({ m_builder, m_server }, { height * 40 / 100, height * 60 / 100 }, Qt::Vertical);
    } else {
        m_window->addDockWidget(Qt::RightDockWidgetArea, m_server);
    }
    m_stacked = on;
    m_arranging = false;
}

void WindowLayout::windowResized(QSize oldSize)
{
    if (!m_window->isVisible())
        return;
    // Three columns that no longer fit become two, as the default would have laid them out; a window wide enough
    // again gets its three columns back. Docks the person placed elsewhere are left where they are.
    const bool defaultPlaces
        = docked(m_builder) && docked(m_server) && m_window->dockWidgetArea(m_builder) == Qt::LeftDockWidgetArea;
    const int needed = minimumWidthForColumns();
    if (!m_stacked && defaultPlaces && m_window->dockWidgetArea(m_server) == Qt::RightDockWidgetArea
        && m_window->width() < needed) {
        stack(true);
    } else if (m_stacked && defaultPlaces && m_window->width() >= needed) {
        stack(false);
        giveWidthsBack();
    } else if (m_window->width() > oldSize.width()) {
        giveWidthsBack();
    }
    m_settledSize = m_window->size();
}

void WindowLayout::giveWidthsBack()
{
    if (m_stacked || !m_builder || !m_server)
        return;
    QList<QDockWidget*> docks;
    QList<int> widths;
    int room = m_window->width() - 2 * separator() - minimumWidthOf(m_window->centralWidget());
    for (QDockWidget* dock : { m_builder.data(), m_server.data() }) {
        const Qt::DockWidgetArea area = m_window->dockWidgetArea(dock);
        if (!docked(dock) || (area != Qt::LeftDockWidgetArea && area != Qt::RightDockWidgetArea))
            continue;
        docks.append(dock);
        widths.append(std::max(dock->width(), m_wanted.value(dock->objectName(), dock->width())));
    }
    if (docks.isEmpty())
        return;
    if (docks.size() == 2) {
        fitPair(room, widths[0], std::max(minimumWidthOf(docks[0]), std::min(docks[0]->width(), widths[0])), widths[1],
            std::max(minimumWidthOf(docks[1]), std::min(docks[1]->width(), widths[1])));
    } else {
        widths[0] = std::max(docks[0]->width(), std::min(widths[0], room));
    }
    bool grows = false;
    for (int i = 0; i < docks.size(); ++i)
        grows = grows || widths[i] > docks[i]->width();
    if (!grows)
        return;
    m_arranging = true;
    m_window->resizeDocks(docks, widths, Qt::Horizontal);
    m_arranging = false;
}

namespace
{
const QString kSplitterGroup = QStringLiteral("splitters/");

QList<QSplitter*> namedSplitters(const QMainWindow* window)
{
    QList<QSplitter*> splitters;
    for (QSplitter* splitter : window->findChildren<QSplitter*>()) {
        if (!splitter->objectName().isEmpty())
            splitters.append(splitter);
    }
    return splitters;
}
} // namespace

void WindowLayout::captureSplitterDefaults()
{
    for (QSplitter* splitter : namedSplitters(m_window))
        m_splitterDefaults.insert(splitter->objectName(), splitter->saveState());
}

void WindowLayout::resetSplitters()
{
    for (QSplitter* splitter : namedSplitters(m_window)) {
        const QByteArray state = m_splitterDefaults.value(splitter->objectName());
        if (!state.isEmpty())
            splitter->restoreState(state);
    }
}

void WindowLayout::saveSplitters(QSettings& settings) const
{
    for (const QSplitter* splitter : namedSplitters(m_window))
        settings.setValue(kSplitterGroup + splitter->objectName(), splitter->saveState());
}

void WindowLayout::restoreSplitters(SettingsReader& reader)
{
    const QString what = tr("the split of the panels");
    for (QSplitter* splitter : namedSplitters(m_window)) {
        const std::optional<QByteArray> state = reader.bytes(kSplitterGroup + splitter->objectName(), what);
        if (state && !splitter->restoreState(*state))
            reader.refuse(what);
    }
}

QByteArray WindowLayout::saveDockWidths() const
{
    QJsonObject object;
    for (auto it = m_wanted.cbegin(); it != m_wanted.cend(); ++it)
        object.insert(it.key(), it.value());
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

bool WindowLayout::restoreDockWidths(const QByteArray& bytes)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return false;
    QHash<QString, int> wanted;
    const QJsonObject object = document.object();
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        const double width = it.value().toDouble(-1);
        if (width < 1 || width > kMostDockWidth)
            return false;
        wanted.insert(it.key(), int(width));
    }
    m_wanted = wanted;
    return true;
}

bool WindowLayout::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() != QEvent::Resize)
        return false;
    if (watched == m_window) {
        // The docks are laid out after this event: look once the layout has run.
        const QSize oldSize = static_cast<QResizeEvent*>(event)->oldSize();
        QTimer::singleShot(0, this, [this, oldSize] { windowResized(oldSize); });
        return false;
    }
    auto* dock = qobject_cast<QDockWidget*>(watched);
    // A dock resized while the window kept its size was resized by the person (a separator dragged): remember it.
    if (dock && !m_arranging && !m_stacked && m_window->isVisible() && m_settledSize == m_window->size()
        && docked(dock)) {
        const Qt::DockWidgetArea area = m_window->dockWidgetArea(dock);
        if (area == Qt::LeftDockWidgetArea || area == Qt::RightDockWidgetArea)
            m_wanted.insert(dock->objectName(), dock->width());
    }
    return false;
}

} // namespace wsi
