#pragma once
// One strict way to read a JSON object into a value: typed getters that refuse a present key of the wrong type
// with a sentence naming the dotted key ("deflate.serverMaxWindowBits" must be a whole number from 8 to 15, not
// 16), and a check that refuses the keys nobody asked for. The handshake spec, transcript import and the
// server policy schema all use these sentences, so the same mistake reads the same everywhere.
//
// Usage: read every field with a getter (an absent key gives the fallback), then refuseUnknownKeys() where the
// format is closed, then ok() / error(). The first problem wins; later getters still return their fallbacks.

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVarLengthArray>
#include <memory>
#include <optional>

namespace wsi
{

// ---- the sentences (also used by the policy schema) ----

// In quotes, with control characters written as escapes: an error about a line break must not contain one.
QString jsonQuoted(const QString& text);
// A JSON value as a person would write it, for "..., not X": 5, "x", true, a list, an object, null.
QString jsonShown(const QJsonValue& value);
// A number with no fractional part that fits in 64 bits.
bool isWholeNumber(const QJsonValue& value);
// "a or b", or "one of a, b, c".
QString choiceWords(const QStringList& words);
// Each returns why `value` is not of that type, or an empty string when it is.
QString boolProblem(const QJsonValue& value); // must be true or false, not 5
// must be a whole number from 8 to 15, not 16; `what` goes after "number" (" of bytes")
QString wholeNumberProblem(const QJsonValue& value, qint64 min, qint64 max, QStringView what = {});
QString wholeNumberRange(qint64 min, qint64 max, QStringView what = {}); // must be a whole number from 8 to 15
QString stringProblem(const QJsonValue& value); // must be a string, not 5
QString stringListProblem(const QJsonValue& value); // must be a list of strings, not 5 | …, and holds 5
QString choiceProblem(const QJsonValue& value, const QStringList& words); // must be a or b, not "c"
QString objectProblem(const QJsonValue& value); // must be an object, not 5
QString listProblem(const QJsonValue& value); // must be a list, not 5

class JsonReader
{
public:
    explicit JsonReader(const QJsonObject& object);

    // Keys are read by name; pass string literals (u"url"): the reader remembers them for refuseUnknownKeys().
    bool has(QStringView key) const;
    bool boolean(QStringView key, bool fallback = false);
    qint64 integer(QStringView key, qint64 min, qint64 max, qint64 fallback);
    // The same, where null (or no key) means "none".
    std::optional<qint64> optionalInteger(QStringView key, qint64 min, qint64 max);
    // 0 to 2^64-1, as a number or, past what a double holds exactly, a string of decimal digits.
    quint64 unsignedInteger(QStringView key, quint64 fallback = 0);
    QString string(QStringView key, const QString& fallback = {});
    QStringList strings(QStringView key); // absent: empty
    // One of `words`; absent gives `fallback`.
    QString choice(QStringView key, const QStringList& words, const QString& fallback);
    QJsonArray array(QStringView key); // absent: empty
    // A nested object, read the same way; its problems name "key.inner". Absent: an empty object.
    JsonReader object(QStringView key);
    // The element `index` of a list read with array(), as an object: problems name "key[index].inner".
    JsonReader element(QStringView key, const QJsonArray& list, qsizetype index);
    // Marks a key as known without reading it (it is read elsewhere).
    void allow(QStringView key);

    // The first key present in the object that no getter or allow() asked for: "x" is not <what>.
    void refuseUnknownKeys(QStringView what);
    // Records a problem found by the caller ("must be base64"), named after the key like the getters' own.
    void fail(QStringView key, const QString& problem);

    bool ok() const { return m_error->isEmpty(); }
    // The first problem as a sentence: "deflate.serverMaxWindowBits" must be a whole number from 8 to 15, not 16
    QString error() const { return *m_error; }

private:
    JsonReader(const QJsonObject& object, QString prefix, std::shared_ptr<QString> error);
    QJsonValue take(QStringView key); // the value, and the key remembered as known
    QString dotted(QStringView key) const { return m_prefix + key.toString(); }

    QJsonObject m_object;
    QString m_prefix; // "deflate." for a nested reader
    std::shared_ptr<QString> m_error; // shared with nested readers
    QVarLengthArray<QStringView, 24> m_known;
};

} // namespace wsi
