#include "core/http.h"

#include <algorithm>
#include <string_view>

namespace wsi
{

namespace
{

bool isOws(char c)
{
    return c == ' ' || c == '\t';
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// A control byte that may not appear in a field value or reason phrase (HTAB is allowed).
bool isForbiddenControl(char c)
{
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t') || byte == 0x7F;
}

ParseError makeError(qsizetype offset, QString message, int httpStatus = 400)
{
    return ParseError { offset, std::move(message), httpStatus };
}

QString describeControl(char c)
{
    if (c == '\0')
        return QStringLiteral("NUL byte");
    if (c == '\r')
        return QStringLiteral("CR not followed by LF");
    return QStringLiteral("control byte 0x%1").arg(static_cast<unsigned char>(c), 2, 16, QLatin1Char('0'));
}

struct Line {
    QByteArrayView text; // without CRLF
    qsizetype offset = 0;
};

// Walks CRLF-terminated lines and enforces the size limits on every step, so that even a head
// that never completes is rejected once it is too big.
class LineReader
{
public:
    enum class Step { Line, Incomplete, Error };

    LineReader(QByteArrayView bytes, const HeadLimits& limits)
        : m_bytes(bytes)
        , m_limits(limits)
    {
    }

    Step next(Line& line, int overlongStatus)
    {
        const char* begin = m_bytes.data() + m_pos;
        const char* end = m_bytes.data() + m_bytes.size();
        const char* newline = std::find(begin, end, '\n');
        if (newline == end)
            return checkPartial(overlongStatus);
        const qsizetype lf = newline - m_bytes.data();
        if (lf == m_pos || m_bytes[lf - 1] != '\r') {
            m_error = makeError(lf, QStringLiteral("bare LF: lines must end with CRLF (RFC 9112 §2.2)"));
            return Step::Error;
        }
        const qsizetype length = lf - 1 - m_pos;
        if (length > m_limits.maxLineBytes)
            return overlong(overlongStatus);
        if (lf + 1 > m_limits.maxHeadBytes)
            return headTooLarge();
        line = Line { m_bytes.sliced(m_pos, length), m_pos };
        m_pos = lf + 1;
        return Step::Line;
    }

    qsizetype position() const { return m_pos; }
    const ParseError& error() const { return m_error; }

private:
    Step checkPartial(int overlongStatus)
    {
        qsizetype pending = m_bytes.size() - m_pos;
        if (pending > 0 && m_bytes.back() == '\r')
            --pending; // the LF may be the next byte to arrive
        if (pending > m_limits.maxLineBytes)
            return overlong(overlongStatus);
        if (m_bytes.size() > m_limits.maxHeadBytes)
            return headTooLarge();
        return Step::Incomplete;
    }

    Step overlong(int status)
    {
        m_error = makeError(m_pos,
            status == 414 ? QStringLiteral("request line longer than %1 bytes").arg(m_limits.maxLineBytes)
                          : QStringLiteral("header line longer than %1 bytes").arg(m_limits.maxLineBytes),
            status);
        return Step::Error;
    }

    Step headTooLarge()
    {
        m_error = makeError(m_limits.maxHeadBytes,
            QStringLiteral("head larger than %1 bytes without a blank line").arg(m_limits.maxHeadBytes), 431);
        return Step::Error;
    }

    QByteArrayView m_bytes;
    const HeadLimits& m_limits;
    qsizetype m_pos = 0;
    ParseError m_error;
};

bool parseHttpVersion(QByteArrayView text, qsizetype offset, ParseError& error)
{
    const bool ok
        = text.size() == 8 && text.startsWith("HTTP/") && isDigit(text[5]) && text[6] == '.' && isDigit(text[7]);
    if (!ok)
        error = makeError(offset, QStringLiteral("malformed HTTP version (expected HTTP/d.d)"));
    return ok;
}

bool parseRequestLine(const Line& line, HttpRequest& request, ParseError& error)
{
    const QByteArrayView text = line.text;
    const qsizetype firstSpace = text.indexOf(' ');
    if (firstSpace <= 0) {
        error = makeError(line.offset,
            firstSpace == 0 ? QStringLiteral("request line starts with a space")
                            : QStringLiteral("request line has no spaces (expected METHOD SP TARGET SP VERSION)"));
        return false;
    }
    for (qsizetype i = 0; i < firstSpace; ++i) {
        if (!isTokenChar(text[i])) {
            error = makeError(line.offset + i, QStringLiteral("invalid character in method"));
            return false;
        }
    }
    const qsizetype secondSpace = text.indexOf(' ', firstSpace + 1);
    if (secondSpace < 0) {
        error = makeError(line.offset + text.size(), QStringLiteral("request line has no HTTP version"));
        return false;
    }
    if (secondSpace == firstSpace + 1) {
        error = makeError(line.offset + secondSpace, QStringLiteral("empty request target"));
        return false;
    }
    for (qsizetype i = firstSpace + 1; i < secondSpace; ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte <= 0x20 || byte == 0x7F) {
            error = makeError(line.offset + i, QStringLiteral("invalid byte in request target"));
            return false;
        }
    }
    const QByteArrayView version = text.sliced(secondSpace + 1);
    if (!parseHttpVersion(version, line.offset + secondSpace + 1, error))
        return false;
    request.method = text.first(firstSpace).toByteArray();
    request.target = text.sliced(firstSpace + 1, secondSpace - firstSpace - 1).toByteArray();
    request.version = version.toByteArray();
    return true;
}

bool parseStatusLine(const Line& line, HttpResponse& response, ParseError& error)
{
    const QByteArrayView text = line.text;
    const qsizetype space = text.indexOf(' ');
    if (!parseHttpVersion(space < 0 ? text : text.first(space), line.offset, error))
        return false;
    const bool threeDigits = text.size() >= 12 && isDigit(text[9]) && isDigit(text[10]) && isDigit(text[11]);
    if (!threeDigits || (text.size() > 12 && text[12] != ' ')) {
        error = makeError(line.offset + 9, QStringLiteral("malformed status code (expected three digits)"));
        return false;
    }
    // "HTTP/1.1 101" without the space and reason is accepted: servers in the wild send it.
    const QByteArrayView reason = text.size() > 13 ? text.sliced(13) : QByteArrayView();
    for (qsizetype i = 0; i < reason.size(); ++i) {
        if (isForbiddenControl(reason[i])) {
            error = makeError(line.offset + 13 + i, describeControl(reason[i]) + QStringLiteral(" in reason phrase"));
            return false;
        }
    }
    response.version = text.first(8).toByteArray();
    response.status = (text[9] - '0') * 100 + (text[10] - '0') * 10 + (text[11] - '0');
    response.reason = QByteArray(reason.data() ? reason.data() : "", reason.size());
    return true;
}

bool parseFieldLine(const Line& line, HeaderList& headers, ParseError& error)
{
    const QByteArrayView text = line.text;
    if (isOws(text.front())) {
        error = makeError(
            line.offset, QStringLiteral("obsolete line folding (line starts with whitespace, RFC 9112 §5.2)"));
        return false;
    }
    qsizetype colon = 0;
    while (colon < text.size() && isTokenChar(text[colon]))
        ++colon;
    if (colon == text.size()) {
        error = makeError(line.offset + colon, QStringLiteral("header line without a colon"));
        return false;
    }
    if (text[colon] != ':') {
        error = makeError(line.offset + colon,
            isOws(text[colon]) ? QStringLiteral("whitespace between field name and colon (RFC 9112 §5.1)")
                               : QStringLiteral("invalid character in field name"));
        return false;
    }
    if (colon == 0) {
        error = makeError(line.offset, QStringLiteral("empty field name"));
        return false;
    }
    qsizetype begin = colon + 1;
    qsizetype end = text.size();
    while (begin < end && isOws(text[begin]))
        ++begin;
    while (end > begin && isOws(text[end - 1]))
        --end;
    for (qsizetype i = begin; i < end; ++i) {
        if (isForbiddenControl(text[i])) {
            error = makeError(line.offset + i, describeControl(text[i]) + QStringLiteral(" in field value"));
            return false;
        }
    }
    headers.append(text.first(colon).toByteArray(), QByteArray(text.data() + begin, end - begin));
    return true;
}

template <typename Message, typename StartLineParser>
HeadParse<Message> parseHead(
    QByteArrayView bytes, const HeadLimits& limits, int startLineOverflowStatus, StartLineParser parseStartLine)
{
    HeadParse<Message> result;
    LineReader reader(bytes, limits);
    const auto fail = [&](const ParseError& error) {
        result.state = HeadState::Error;
        result.error = error;
        return result;
    };
    Line line;
    switch (reader.next(line, startLineOverflowStatus)) {
    case LineReader::Step::Incomplete:
        return result;
    case LineReader::Step::Error:
        return fail(reader.error());
    case LineReader::Step::Line:
        break;
    }
    if (line.text.isEmpty())
        return fail(makeError(0, QStringLiteral("empty line where the start line was expected")));
    if (!parseStartLine(line, result.value, result.error))
        return fail(result.error);
    int fieldCount = 0;
    for (;;) {
        switch (reader.next(line, 431)) {
        case LineReader::Step::Incomplete:
            return result;
        case LineReader::Step::Error:
            return fail(reader.error());
        case LineReader::Step::Line:
            break;
        }
        if (line.text.isEmpty()) {
            result.state = HeadState::Complete;
            result.headBytes = reader.position();
            return result;
        }
        if (++fieldCount > limits.maxHeaderCount)
            return fail(
                makeError(line.offset, QStringLiteral("more than %1 header fields").arg(limits.maxHeaderCount), 431));
        if (!parseFieldLine(line, result.value.headers, result.error))
            return fail(result.error);
    }
}

void appendFields(QByteArray& out, const HeaderList& headers)
{
    for (const Header& field : headers.fields())
        out += field.name + ": " + field.value + "\r\n";
    out += "\r\n";
}

// Parses a run of decimal digits; false on empty input, other bytes or overflow past 18 digits.
bool parseDecimal(QByteArrayView text, qint64& value)
{
    if (text.isEmpty() || text.size() > 18)
        return false;
    value = 0;
    for (char c : text) {
        if (!isDigit(c))
            return false;
        value = value * 10 + (c - '0');
    }
    return true;
}

QByteArrayView trimmed(QByteArrayView text)
{
    while (!text.isEmpty() && isOws(text.front()))
        text = text.sliced(1);
    while (!text.isEmpty() && isOws(text.back()))
        text.chop(1);
    return text;
}

BodyFraming contentLengthFraming(const HttpResponse& response)
{
    const QByteArray combined = response.headers.combined("Content-Length");
    qint64 agreed = -1;
    // "Content-Length: 5, 5" and repeated identical fields are tolerated (RFC 9110 §8.6).
    for (const QByteArray& element : combined.split(',')) {
        qint64 length = 0;
        if (!parseDecimal(trimmed(element), length) || (agreed >= 0 && agreed != length)) {
            return BodyFraming { BodyFraming::UntilClose, 0,
                QStringLiteral("invalid Content-Length \"%1\": reading until the connection closes (RFC 9112 §6.3)")
                    .arg(QString::fromLatin1(combined)) };
        }
        agreed = length;
    }
    return BodyFraming { BodyFraming::ContentLength, agreed, {} };
}

} // namespace

bool isTokenChar(char c)
{
    constexpr std::string_view punctuation = "!#$%&'*+-.^_`|~";
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c)
        || punctuation.find(c) != std::string_view::npos;
}

bool isToken(QByteArrayView text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), isTokenChar);
}

QByteArray HttpRequest::serialize() const
{
    QByteArray out = method + ' ' + target + ' ' + version + "\r\n";
    appendFields(out, headers);
    return out;
}

QByteArray HttpResponse::serializeHead() const
{
    QByteArray out = version + ' ' + QByteArray::number(status).rightJustified(3, '0') + ' ' + reason + "\r\n";
    appendFields(out, headers);
    return out;
}

QByteArray HttpResponse::serialize() const
{
    return serializeHead() + body;
}

HeadParse<HttpRequest> parseRequestHead(QByteArrayView bytes, const HeadLimits& limits)
{
    return parseHead<HttpRequest>(bytes, limits, 414, parseRequestLine);
}

HeadParse<HttpResponse> parseResponseHead(QByteArrayView bytes, const HeadLimits& limits)
{
    return parseHead<HttpResponse>(bytes, limits, 431, parseStatusLine);
}

BodyFraming bodyFraming(const HttpResponse& response)
{
    if ((response.status >= 100 && response.status < 200) || response.status == 204 || response.status == 304)
        return {};
    if (response.headers.contains("Transfer-Encoding")) {
        // Transfer-Encoding overrides Content-Length; only a final "chunked" delimits the body.
        const QList<QByteArray> codings = response.headers.combined("Transfer-Encoding").split(',');
        if (trimmed(codings.back()).compare("chunked", Qt::CaseInsensitive) == 0)
            return BodyFraming { BodyFraming::Chunked, 0, {} };
        return BodyFraming { BodyFraming::UntilClose, 0, {} };
    }
    if (response.headers.contains("Content-Length"))
        return contentLengthFraming(response);
    return BodyFraming { BodyFraming::UntilClose, 0, {} };
}

namespace
{

constexpr qsizetype kMaxChunkLine = 4096;
constexpr qsizetype kMaxTrailerBytes = 16 * 1024;

// Finds the CRLF ending the line at `from`; -1 when it has not arrived, -2 on a bare LF.
qsizetype findCrlf(QByteArrayView bytes, qsizetype from, qsizetype& lfOffset)
{
    const char* end = bytes.data() + bytes.size();
    const char* newline = std::find(bytes.data() + from, end, '\n');
    if (newline == end)
        return -1;
    lfOffset = newline - bytes.data();
    if (lfOffset == from || bytes[lfOffset - 1] != '\r')
        return -2;
    return lfOffset - 1;
}

int hexValue(char c)
{
    if (isDigit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

ChunkedDecode decodeChunked(QByteArrayView bytes, qint64 maxBody)
{
    ChunkedDecode result;
    const auto fail = [&](qsizetype offset, QString message) {
        result.state = HeadState::Error;
        result.error = makeError(offset, std::move(message));
        return result;
    };
    qsizetype pos = 0;
    qsizetype trailerStart = 0;
    for (;;) {
        qsizetype lf = 0;
        const qsizetype lineEnd = findCrlf(bytes, pos, lf);
        if (lineEnd == -2)
            return fail(lf, QStringLiteral("bare LF in chunk size line"));
        if ((lineEnd < 0 ? bytes.size() : lineEnd) - pos > kMaxChunkLine)
            return fail(pos, QStringLiteral("chunk size line longer than %1 bytes").arg(kMaxChunkLine));
        if (lineEnd < 0)
            return result;
        qint64 size = 0;
        qsizetype digits = 0;
        for (; pos + digits < lineEnd && hexValue(bytes[pos + digits]) >= 0; ++digits) {
            if (digits == 15)
                return fail(pos, QStringLiteral("chunk size too large"));
            size = size * 16 + hexValue(bytes[pos + digits]);
        }
        const qsizetype after = pos + digits;
        if (digits == 0)
            return fail(pos, QStringLiteral("chunk size is not hexadecimal"));
        // Chunk extensions (";name=value", RFC 9112 §7.1.1) carry nothing we use; skip them.
        if (after < lineEnd && bytes[after] != ';' && !isOws(bytes[after]))
            return fail(after, QStringLiteral("unexpected byte after chunk size"));
        const qsizetype dataStart = lineEnd + 2;
        if (size == 0) {
            trailerStart = dataStart;
            break;
        }
        if (result.body.size() + size > maxBody)
            return fail(pos, QStringLiteral("chunked body larger than %1 bytes").arg(maxBody));
        if (bytes.size() < dataStart + size + 2)
            return result;
        const qsizetype dataEnd = dataStart + size;
        if (bytes[dataEnd] != '\r' || bytes[dataEnd + 1] != '\n')
            return fail(dataEnd, QStringLiteral("chunk data not followed by CRLF"));
        result.body += QByteArrayView(bytes.data() + dataStart, size);
        pos = dataEnd + 2;
        result.consumed = pos;
    }
    // Last chunk seen: skip trailer fields up to the blank line.
    qsizetype lineStart = trailerStart;
    for (;;) {
        qsizetype lf = 0;
        const qsizetype lineEnd = findCrlf(bytes, lineStart, lf);
        if (lineEnd == -2)
            return fail(lf, QStringLiteral("bare LF in chunked trailer"));
        if ((lineEnd < 0 ? bytes.size() : lineEnd) - trailerStart > kMaxTrailerBytes)
            return fail(trailerStart, QStringLiteral("chunked trailer section too large"));
        if (lineEnd < 0)
            return result;
        if (lineEnd == lineStart) {
            result.state = HeadState::Complete;
            result.consumed = lineEnd + 2;
            return result;
        }
        lineStart = lineEnd + 2;
    }
}

} // namespace wsi
