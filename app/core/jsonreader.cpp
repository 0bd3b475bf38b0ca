#include "core/jsonreader.h"

namespace wsi
{

QString jsonQuoted(const QString& text)
{
    QString out = QStringLiteral("\"");
    for (const QChar c : text) {
        if (c == QLatin1Char('\r'))
            out += QStringLiteral("\\r");
        else if (c == QLatin1Char('\n'))
            out += QStringLiteral("\\n");
        else if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out + QLatin1Char('"');
}

QString jsonShown(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: {
        const double d = value.toDouble();
        return isWholeNumber(value) ? QString::number(qint64(d)) : QString::number(d);
    }
    case QJsonValue::String:
        return jsonQuoted(value.toString());
    case QJsonValue::Array:
        return QStringLiteral("a list");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

bool isWholeNumber(const QJsonValue& value)
{
    if (!value.isDouble())
        return false;
    const double d = value.toDouble();
    // 2^63 itself does not fit; every double below it that is whole does.
    return d >= -9223372036854775808.0 && d < 9223372036854775808.0 && d == double(qint64(d));
}

QString choiceWords(const QStringList& words)
{
    if (words.size() == 2)
        return words.at(0) + QStringLiteral(" or ") + words.at(1);
    return QStringLiteral("one of ") + words.join(QStringLiteral(", "));
}

QString boolProblem(const QJsonValue& value)
{
    return value.isBool() ? QString() : QStringLiteral("must be true or false, not %1").arg(jsonShown(value));
}

QString wholeNumberRange(qint64 min, qint64 max, QStringView what)
{
    return QStringLiteral("must be a whole number%1 from %2 to %3").arg(what).arg(min).arg(max);
}

QString wholeNumberProblem(const QJsonValue& value, qint64 min, qint64 max, QStringView what)
{
    if (isWholeNumber(value) && qint64(value.toDouble()) >= min && qint64(value.toDouble()) <= max)
        return {};
    return QStringLiteral("%1, not %2").arg(wholeNumberRange(min, max, what), jsonShown(value));
}

QString stringProblem(const QJsonValue& value)
{
    return value.isString() ? QString() : QStringLiteral("must be a string, not %1").arg(jsonShown(value));
}

QString stringListProblem(const QJsonValue& value)
{
    if (!value.isArray())
        return QStringLiteral("must be a list of strings, not %1").arg(jsonShown(value));
    for (const QJsonValue& item : value.toArray()) {
        if (!item.isString())
            return QStringLiteral("must be a list of strings, and holds %1").arg(jsonShown(item));
    }
    return {};
}

QString choiceProblem(const QJsonValue& value, const QStringList& words)
{
    if (value.isString() && words.contains(value.toString()))
        return {};
    return QStringLiteral("must be %1, not %2").arg(choiceWords(words), jsonShown(value));
}

QString objectProblem(const QJsonValue& value)
{
    return value.isObject() ? QString() : QStringLiteral("must be an object, not %1").arg(jsonShown(value));
}

QString listProblem(const QJsonValue& value)
{
    return value.isArray() ? QString() : QStringLiteral("must be a list, not %1").arg(jsonShown(value));
}

// ---- JsonReader ----

JsonReader::JsonReader(const QJsonObject& object)
    : JsonReader(object, QString(), std::make_shared<QString>())
{
}

JsonReader::JsonReader(const QJsonObject& object, QString prefix, std::shared_ptr<QString> error)
    : m_object(object)
    , m_prefix(std::move(prefix))
    , m_error(std::move(error))
{
}

bool JsonReader::has(QStringView key) const
{
    return m_object.contains(key);
}

QJsonValue JsonReader::take(QStringView key)
{
    allow(key);
    return m_object.value(key);
}

void JsonReader::allow(QStringView key)
{
    if (!m_known.contains(key))
        m_known.append(key);
}

void JsonReader::fail(QStringView key, const QString& problem)
{
    if (m_error->isEmpty())
        *m_error = QStringLiteral("\"%1\" %2").arg(dotted(key), problem);
}

bool JsonReader::boolean(QStringView key, bool fallback)
{
    const QJsonValue v = take(key);
    if (v.isUndefined())
        return fallback;
    if (const QString p = boolProblem(v); !p.isEmpty()) {
        fail(key, p);
        return fallback;
    }
    return v.toBool();
}

qint64 JsonReader::integer(QStringView key, qint64 min, qint64 max, qint64 fallback)
{
    const QJsonValue v = take(key);
    if (v.isUndefined())
        return fallback;
    if (const QString p = wholeNumberProblem(v, min, max); !p.isEmpty()) {
        fail(key, p);
        return fallback;
    }
    return qint64(v.toDouble());
}

std::optional<qint64> JsonReader::optionalInteger(QStringView key, qint64 min, qint64 max)
{
    const QJsonValue v = take(key);
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    if (const QString p = wholeNumberProblem(v, min, max); !p.isEmpty()) {
        fail(key, p);
        return std::nullopt;
    }
    return qint64(v.toDouble());
}

quint64 JsonReader::unsignedInteger(QStringView key, quint64 fallback)
{
    const QJsonValue v = take(key);
    if (v.isUndefined())
        return fallback;
    if (v.isString()) {
        bool ok = false;
        const quint64 n = v.toString().toULongLong(&ok);
        if (ok && !v.toString().startsWith(QLatin1Char('+')))
            return n;
    } else if (isWholeNumber(v) && v.toDouble() >= 0) {
        return quint64(v.toDouble());
    }
    fail(key,
        QStringLiteral("must be a whole number from 0 to %1, not %2")
            .arg(std::numeric_limits<quint64>::max())
            .arg(jsonShown(v)));
    return fallback;
}

QString JsonReader::string(QStringView key, const QString& fallback)
{
    const QJsonValue v = take(key);
    if (v.isUndefined())
        return fallback;
    if (const QString p = stringProblem(v); !p.isEmpty()) {
        fail(key, p);
        return fallback;
    }
    return v.toString();
}

QStringList JsonReader::strings(QStringView key)
{
    const QJsonValue v = take(key);
    if (v.isUndefined())
        return {};
    if (const QString p = stringListProblem(v); !p.isEmpty()) {
        fail(key, p);
        return {};
    }
    QStringList out;
    for (const QJsonValue& item : v.toArray())
        out.append(item.toString());
    return out;
}

QString JsonReader::choice(QStringView key, const QStringList& words, const QString& fallback)
{
    const QJsonValue v = take(key);
    if (v.isUndefined())
        return fallback;
    if (const QString p = choiceProblem(v, words); !p.isEmpty()) {
        fail(key, p);
        return fallback;
    }
    return v.toString();
}

QJsonArray JsonReader::array(QStringView key)
{
    const QJsonValue v = take(key);
    if (v.isUndefined())
        return {};
    if (const QString p = listProblem(v); !p.isEmpty()) {
        fail(key, p);
        return {};
    }
    return v.toArray();
}

JsonReader JsonReader::object(QStringView key)
{
    const QJsonValue v = take(key);
    if (!v.isUndefined()) {
        if (const QString p = objectProblem(v); !p.isEmpty())
            fail(key, p);
    }
    return JsonReader(v.toObject(), dotted(key) + QLatin1Char('.'), m_error);
}

JsonReader JsonReader::element(QStringView key, const QJsonArray& list, qsizetype index)
{
    const QJsonValue v = list.at(index);
    const QString name = QStringLiteral("%1[%2]").arg(dotted(key)).arg(index);
    if (!v.isObject() && m_error->isEmpty())
        *m_error = QStringLiteral("\"%1\" %2").arg(name, objectProblem(v));
    return JsonReader(v.toObject(), name + QLatin1Char('.'), m_error);
}

void JsonReader::refuseUnknownKeys(QStringView what)
{
    for (auto it = m_object.begin(); it != m_object.end(); ++it) {
        if (!m_known.contains(QStringView(it.key()))) {
            if (m_error->isEmpty())
                *m_error = QStringLiteral("\"%1\" is not %2").arg(dotted(it.key()), what);
            return;
        }
    }
}

} // namespace wsi
