#include "cli/output.h"

#include <QJsonDocument>

namespace wsi
{

LineWriter::LineWriter(FILE* stream, QObject* parent)
    : QObject(parent)
    , m_stream(stream)
{
    m_timer.setInterval(20);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &LineWriter::flush);
}

LineWriter::~LineWriter()
{
    flush();
}

void LineWriter::line(QByteArrayView text)
{
    m_buffer.append(text);
    m_buffer.append('\n');
    if (m_buffer.size() >= kFlushAt)
        flush();
    else if (!m_timer.isActive())
        m_timer.start();
}

void LineWriter::json(const QJsonObject& object)
{
    line(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

void LineWriter::flush()
{
    m_timer.stop();
    if (m_buffer.isEmpty())
        return;
    std::fwrite(m_buffer.constData(), 1, size_t(m_buffer.size()), m_stream);
    std::fflush(m_stream);
    m_buffer.clear();
}

QByteArray humanResult(Severity s)
{
    switch (s) {
    case Severity::Pass:
        return "PASS";
    case Severity::Info:
        return "INFO";
    case Severity::Warning:
        return "WARN";
    case Severity::Error:
        return "FAIL";
    }
    return "PASS";
}

} // namespace wsi
