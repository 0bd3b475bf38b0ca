#pragma once
// How the window's three areas share its width: the builder dock on the left, the exchange in the centre, the
// server dock on the right. The default arrangement is worked out from what each area needs (their minimum sizes),
// so a narrow window stacks the server under the builder instead of squeezing all three; a dock the window had to
// squeeze gets its width back when the window grows again; View › Reset layout returns to the default.

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSize>

class QDockWidget;
class QMainWindow;
class QSettings;

namespace wsi
{

class SettingsReader;

// The default arrangement for a window whose docks and centre can share `room` px (the width minus the dock
// separators): the two docks side by side with the centre between them when every area gets at least its minimum,
// otherwise the server stacked under the builder in one left column.
struct ColumnPlan {
    bool stacked = false;
    int left = 0; // the builder dock (and, stacked, the server dock under it)
    int right = 0; // the server dock; 0 when stacked
};
ColumnPlan planColumns(int room, int builderMinimum, int serverMinimum, int centreMinimum);

// Whether a window saved at `saved` size can be restored as is on a screen with `available` room. A layout made
// for a larger screen is not: its docks would be squeezed below what they need.
bool savedWindowFits(QSize saved, QSize available);

class WindowLayout : public QObject
{
    Q_OBJECT
public:
    WindowLayout(QMainWindow* window, QDockWidget* builder, QDockWidget* server);

    // Docks where they belong (builder left, server right or under the builder), shown, sized for the width.
    void applyDefault();
    // The widths the person chose for the docks, kept across runs so that a window squeezed once is not squeezed
    // for good. Empty or unreadable bytes are refused (false).
    QByteArray saveDockWidths() const;
    bool restoreDockWidths(const QByteArray& bytes);
    // The window's named splitters (inside the exchange and the server panel): their first sizes are the default
    // that resetSplitters() returns to; their current sizes are saved under "splitters/NAME".
    void captureSplitterDefaults();
    void resetSplitters();
    void saveSplitters(QSettings& settings) const;
    void restoreSplitters(SettingsReader& reader);

    // The server dock was moved under the builder because the window is too narrow for three columns.
    bool isStacked() const { return m_stacked; }
    int minimumWidthForColumns() const;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void windowResized(QSize oldSize);
    void stack(bool on);
    void giveWidthsBack();
    bool docked(const QDockWidget* dock) const;
    int separator() const;

    QMainWindow* m_window;
    QPointer<QDockWidget> m_builder;
    QPointer<QDockWidget> m_server;
    QHash<QString, QByteArray> m_splitterDefaults; // splitter object name → its first state
    QHash<QString, int> m_wanted; // dock object name → the width the person last gave it
    QSize m_settledSize; // the window's size once its last resize was handled
    bool m_stacked = false;
    bool m_arranging = false;
};

} // namespace wsi
