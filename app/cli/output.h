#pragma once
// Line output for the headless commands. Lines are collected and written in batches (on a short
// timer, when the buffer grows, and at exit), so printing one line per frame never becomes what
// limits a busy connection.

#include "core/checks.h"

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <cstdio>

namespace wsi
{

// A finding's verdict as the text output's first word: PASS, INFO, WARN, FAIL.
QByteArray humanResult(Severity s);

class LineWriter : public QObject
{
public:
    explicit LineWriter(FILE* stream = stdout, QObject* parent = nullptr);
    ~LineWriter() override; // flushes

    void line(QByteArrayView text); // one line, newline added
    void json(const QJsonObject& object); // one compact JSON object per line
    void flush();
    void setFlushIntervalMs(int ms) { m_timer.setInterval(ms); }

private:
    FILE* m_stream;
    QByteArray m_buffer;
    QTimer m_timer;
    static constexpr qsizetype kFlushAt = 64 * 1024;
};

} // namespace wsi
