#pragma once
// The window's options for reproducible screenshots and demos, kept apart from runGui:
//   --screenshot FILE  save the window as a PNG once the handshake is shown, then quit;
//   --frames-demo      after the handshake, send sample traffic (JSON, MessagePack, CBOR, pings) and
//                      show the frames;
//   --frame-tab TAB    with --frames-demo, the detail tab to show.

#include <QCommandLineOption>
#include <QString>

class QCommandLineParser;

namespace wsi
{

class MainWindow;

class ScreenshotHarness
{
public:
    ScreenshotHarness();

    void addOptions(QCommandLineParser& parser) const;
    // False, with a sentence in `error`, when a value cannot be used.
    bool readOptions(const QCommandLineParser& parser, QString* error);

    // A screenshot must not depend on the last session's settings, and has a fixed default size.
    bool takesScreenshot() const { return !m_file.isEmpty(); }

    // Wires the demo traffic and the screenshot to `window`, before the event loop runs.
    // `connecting`: the handshake is sent at start, so the screenshot waits for it.
    void attach(MainWindow& window, bool connecting);

    // Non-zero when the screenshot could not be taken (then the application exits with it).
    int exitCode() const { return m_exitCode; }

private:
    QCommandLineOption m_screenshotOption;
    QCommandLineOption m_framesDemoOption;
    QCommandLineOption m_frameTabOption;
    QString m_file;
    bool m_framesDemo = false;
    int m_frameTab = 0;
    int m_exitCode = 0;
};

} // namespace wsi
