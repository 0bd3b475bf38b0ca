#include "core/extensions.h"

#include "core/http.h"

namespace wsi
{

namespace
{

// A cursor over one header value; every parse step either advances or records an error.
class ExtensionParser
{
public:
    explicit ExtensionParser(QByteArrayView text)
        : m_text(text)
    {
    }

    ExtensionList parse()
    {
        for (;;) {
            skipSeparators();
            if (atEnd())
                break;
            Extension extension;
            if (!parseToken(extension.name, QStringLiteral("expected an extension name")))
                return m_result;
            skipOws();
            while (peek() == ';') {
                ++m_pos;
                ExtensionParam param;
                if (!parseParam(param))
                    return m_result;
                extension.params.append(std::move(param));
            }
            if (!atEnd() && peek() != ',')
                return fail(m_pos, QStringLiteral("expected ';' or ',' after extension"));
            m_result.extensions.append(std::move(extension));
        }
        if (m_result.extensions.isEmpty())
            return fail(0, QStringLiteral("no extension in the list"));
        return m_result;
    }

private:
    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return atEnd() ? '\0' : m_text[m_pos]; }

    void skipOws()
    {
        while (peek() == ' ' || peek() == '\t')
            ++m_pos;
    }

    void skipSeparators()
    {
        while (peek() == ' ' || peek() == '\t' || peek() == ',')
            ++m_pos;
    }

    ExtensionList fail(qsizetype offset, QString message)
    {
        m_result.error = std::move(message);
        m_result.errorOffset = offset;
        return m_result;
    }

    bool parseToken(QByteArray& token, const QString& whenMissing)
    {
        const qsizetype start = m_pos;
        while (!atEnd() && isTokenChar(m_text[m_pos]))
            ++m_pos;
        if (m_pos == start) {
            fail(start, whenMissing);
            return false;
        }
        token = m_text.sliced(start, m_pos - start).toByteArray();
        return true;
    }

    bool parseParam(ExtensionParam& param)
    {
        skipOws();
        if (!parseToken(param.name, QStringLiteral("expected a parameter name after ';'")))
            return false;
        skipOws();
        if (peek() == '=') {
            ++m_pos;
            skipOws();
            QByteArray value;
            param.quoted = peek() == '"';
            const bool parsed = param.quoted
                ? parseQuoted(value)
                : parseToken(value, QStringLiteral("expected a parameter value after '='"));
            if (!parsed)
                return false;
            param.value = std::move(value);
            skipOws();
        }
        return true;
    }

    bool parseQuoted(QByteArray& value)
    {
        const qsizetype open = m_pos++;
        QByteArray unescaped("");
        for (;;) {
            if (atEnd()) {
                fail(open, QStringLiteral("unterminated quoted string"));
                return false;
            }
            char c = m_text[m_pos++];
            if (c == '"')
                break;
            if (c == '\\') {
                if (atEnd())
                    continue; // reported as unterminated on the next turn
                c = m_text[m_pos++];
            }
            unescaped += c;
        }
        // RFC 6455 §9.1: the unquoted value must conform to the token grammar.
        if (!isToken(unescaped)) {
            fail(open, QStringLiteral("quoted parameter value is not a token once unquoted"));
            return false;
        }
        value = unescaped;
        return true;
    }

    QByteArrayView m_text;
    qsizetype m_pos = 0;
    ExtensionList m_result;
};

} // namespace

bool Extension::hasParam(QByteArrayView paramName) const
{
    for (const ExtensionParam& param : params) {
        if (param.name.compare(paramName, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

std::optional<QByteArray> Extension::paramValue(QByteArrayView paramName) const
{
    for (const ExtensionParam& param : params) {
        if (param.name.compare(paramName, Qt::CaseInsensitive) == 0)
            return param.value;
    }
    return std::nullopt;
}

ExtensionList parseExtensions(QByteArrayView headerValue)
{
    return ExtensionParser(headerValue).parse();
}

ExtensionList parseExtensions(const HeaderList& headers)
{
    const QByteArray combined = headers.combined("Sec-WebSocket-Extensions");
    if (combined.isNull())
        return {};
    return parseExtensions(combined);
}

QByteArray serializeExtensions(const QList<Extension>& extensions)
{
    QList<QByteArray> parts;
    for (const Extension& extension : extensions) {
        QByteArray part = extension.name;
        for (const ExtensionParam& param : extension.params) {
            part += "; " + param.name;
            if (param.value)
                part += param.quoted ? "=\"" + *param.value + '"' : '=' + *param.value;
        }
        parts.append(part);
    }
    return parts.join(", ");
}

} // namespace wsi
