#pragma once
// The server policy's fields, each declared once: key, type, default (the ServerPolicy member's initial value),
// range or choices, `serve` flag, label, one-line help and RFC section. JSON reading and writing, equality, the
// `serve` flags and their --help text, the window's `--server-*` flags and the server panel's form are all made
// from this table, so adding a policy field is one entry here plus its decision step.
//
// Every value passes through one representation, a QJsonValue (bool, number, string, array), and one check,
// policyValueProblem(), so a value out of range gets the same sentence whether it came from a profile, a flag
// or the form; each front end only says where it came from ("maxMessageBytes", --max-message, the form label).

#include "core/serverpolicy.h"

#include <QHash>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <optional>
#include <variant>

namespace wsi
{

enum class PolicyType {
    Bool, // true/false; with choices, shown and given as two words (allow|reject)
    Choice, // one of `choices`
    Integer, // min..max
    Text, // a string (may be empty)
    TextList, // strings; each item obeys `itemRule`
    IntegerList, // numbers, each min..max
    HeaderList, // "Name: value" items, as {name, value} objects in JSON
};

enum class PolicyUnit { None, Bytes, Milliseconds, Bits };

enum class ItemRule {
    Any, // a non-empty line: no CR, LF or NUL
    Token, // an RFC 9110 token (subprotocol names)
    UserToken, // "TOKEN=NAME" (core/authentication.h)
    CredentialSource, // a --token-from word: query:NAME, bearer, cookie:NAME, protocol[:PREFIX]
};

enum class FlagStyle {
    Value, // --flag VALUE
    Switch, // --flag alone sets true (and --negative-flag false)
    Repeat, // --flag VALUE, once per item; the first use replaces the default list
    CommaList, // --flag a,b,c replaces the list
};

struct PolicyChoice {
    const char* word; // in JSON and on the command line
    int value; // the enum's value (or 1/0 for a Bool)
    const char* label = nullptr; // in the form
};

// Where a field lives in ServerPolicy. The table hands out a typed pointer; the generic code below dispatches on it.
using PolicyFieldRef = std::variant<bool*, int*, qint64*, QByteArray*, QList<QByteArray>*, QList<int>*, QList<Header>*,
    ProtocolOrder*, NoProtocolMatch*, FailureMode*, AuthTiming*, CookieSameSite*>;

struct PolicyField {
    const char* key = nullptr; // JSON key; a dot names a nested object ("deflate.enabled")
    PolicyType type = PolicyType::Bool;
    const char* group = nullptr; // the form's group box
    const char* label = nullptr; // the form's label
    const char* help = nullptr; // one line: --help, tooltips
    const char* rfc = nullptr; // "RFC 6455 §4.2.2"; may be empty
    const char* flag = nullptr; // `serve` flag without the dashes; the window takes it as --server-<flag>
    FlagStyle flagStyle = FlagStyle::Value;
    const char* valueName = nullptr; // in --help: N, BYTES, ORIGIN
    const char* negativeFlag = nullptr; // Switch only: the flag that sets false
    qint64 min = 0, max = 0; // Integer, IntegerList
    QList<PolicyChoice> choices {}; // Choice; Bool shown as two words
    PolicyUnit unit = PolicyUnit::None;
    ItemRule itemRule = ItemRule::Any; // TextList items
    bool ordered = false; // TextList: the order means something (preference)
    const char* enabledBy = nullptr; // the form greys this row out while that Bool field is false
    PolicyFieldRef (*ref)(ServerPolicy&) = nullptr;
};

// The table, in the order of the form and of --help.
const QList<PolicyField>& policyFields();
const PolicyField* findPolicyField(QStringView key);

QJsonValue policyValue(const ServerPolicy& policy, const PolicyField& field);
// Why `value` cannot be this field's value ("must be a whole number from 8 to 15, not 16"), or empty when it can.
QString policyValueProblem(const PolicyField& field, const QJsonValue& value);
// Stores a value that policyValueProblem() accepted; returns false (and changes nothing) for any other.
bool setPolicyValue(ServerPolicy& policy, const PolicyField& field, const QJsonValue& value);

// Text as typed on a command line or in the form, read into the field's value. For TextList fields with
// FlagStyle::Repeat and for HeaderList fields the text is one item (returned as a one-element array); "64 MiB" and
// "16k" are read for byte sizes. The result still has to pass policyValueProblem(); `problem` says why text could not
// be read.
std::optional<QJsonValue> policyValueFromText(const PolicyField& field, const QString& text, QString* problem);
// The value as the form and --help write it: "server", "64 MiB", "json, msgpack".
QString policyValueText(const PolicyField& field, const QJsonValue& value);

QJsonObject policyToJson(const ServerPolicy& policy);
// Strict: a key that is present with the wrong type or range, or a key that is not in the table, is an error
// naming the key, so a mistyped profile never silently runs with defaults.
std::optional<ServerPolicy> policyFromJson(const QJsonObject& json, QString* error);
bool samePolicy(const ServerPolicy& a, const ServerPolicy& b);
// The fields whose values differ, by key.
QStringList policyDifferences(const ServerPolicy& a, const ServerPolicy& b);

// A combination of settings that leaves the server open to an attack, said where the policy is edited.
struct PolicyWarning {
    QString text; // one sentence: what is wrong
    QString explanation; // why it matters and how to fix it
    QString references; // "RFC 6455 §10.2; OWASP WebSocket Security Cheat Sheet"
    QStringList keys; // the fields concerned, by key ("token", "allowedOrigins")
};
// Authentication is on and the origin allowlist is empty, so a page on any site can connect with the user's cookie
// (cross-site WebSocket hijacking); a login page that cannot work (no users file, or credentials not read from the
// session cookie). Empty when nothing is wrong.
QList<PolicyWarning> policyWarnings(const ServerPolicy& policy);

// Command-line flags, for `serve` (prefix "") and for the window (prefix "server-"). Feed each flag in order,
// then finish(); errors name the flag as the user typed it.
class PolicyFlags
{
public:
    explicit PolicyFlags(ServerPolicy& policy, QString prefix = {});

    enum class Kind { NotPolicy, TakesValue, NoValue };
    // Whether `name` (without the leading dashes) is a policy flag, and whether it takes a value.
    Kind kind(const QString& name) const;
    // Applies one flag; `value` is empty for NoValue flags. Returns false with `error` set when it is bad.
    bool apply(const QString& name, const std::optional<QString>& value, QString* error);
    // Checks what only the whole command line shows (a switch given both ways).
    bool finish(QString* error);

    // Usage lines for every policy flag: "  --flag VALUE   help (default X)", the help column at `helpColumn`.
    static QString usage(const QString& prefix = {}, int helpColumn = 37);

private:
    const PolicyField* fieldFor(const QString& name, bool* negative) const;
    ServerPolicy& m_policy;
    QString m_prefix;
    QStringList m_repeated; // Repeat fields seen once already (later uses append)
    QHash<QString, bool> m_switches; // Switch fields → the value given
    QHash<QString, QString> m_switchFlags; // Switch fields → the last flag that set them
    bool m_contradiction = false;
    QString m_contradictionText;
};

} // namespace wsi
