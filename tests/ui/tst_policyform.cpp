// The policy schema drives three front ends: JSON profiles, `serve` flags (and the window's --server-* flags) and
// the server panel's form. Every field must round-trip through each of them, and a value out of range must be
// refused with the same sentence by each.

#include "core/policyschema.h"
#include "ui/server/policyform.h"
#include "ui/widgets/listeditor.h"

#include <QCheckBox>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonObject>
#include <QLineEdit>
#include <QListWidget>
#include <QSpinBox>
#include <QTest>

using namespace wsi;

namespace
{
// A valid value for `field` that differs from its default, made from the field's own type and range.
QJsonValue sampleValue(const PolicyField& field)
{
    const QJsonValue defaultValue = policyValue(ServerPolicy {}, field);
    switch (field.type) {
    case PolicyType::Bool:
        return !defaultValue.toBool();
    case PolicyType::Choice:
        for (const PolicyChoice& c : field.choices) {
            if (QLatin1String(c.word) != defaultValue.toString())
                return QLatin1String(c.word);
        }
        break;
    case PolicyType::Integer:
        return double(defaultValue.toDouble() == double(field.max) ? field.min : field.max);
    case PolicyType::Text:
        return QStringLiteral("s3cret token");
    case PolicyType::TextList:
        switch (field.itemRule) {
        case ItemRule::Token:
            return QJsonArray { QStringLiteral("msgpack"), QStringLiteral("json") };
        case ItemRule::UserToken:
            return QJsonArray { QStringLiteral("t-alice=alice"), QStringLiteral("t-bob=bob") };
        case ItemRule::CredentialSource:
            return QJsonArray { QStringLiteral("protocol:token."), QStringLiteral("bearer") };
        case ItemRule::Any:
            break;
        }
        return QJsonArray { QStringLiteral("https://a.example"), QStringLiteral("https://b.example") };
    case PolicyType::IntegerList:
        return QJsonArray { 13, 8 };
    case PolicyType::HeaderList:
        return QJsonArray { QJsonObject { { QStringLiteral("name"), QStringLiteral("Set-Cookie") },
                                { QStringLiteral("value"), QStringLiteral("a=b; Path=/") } },
            QJsonObject { { QStringLiteral("name"), QStringLiteral("X-Test") },
                { QStringLiteral("value"), QStringLiteral("1") } } };
    }
    return {};
}

// The same value as command-line flags: one flag per item for repeatable flags, a bare switch for booleans.
QList<std::pair<QString, std::optional<QString>>> flagsFor(const PolicyField& field, const QJsonValue& value)
{
    QList<std::pair<QString, std::optional<QString>>> flags;
    const QString flag = QLatin1String(field.flag);
    switch (field.flagStyle) {
    case FlagStyle::Switch:
        flags.append({ value.toBool() ? flag : QLatin1String(field.negativeFlag), std::nullopt });
        break;
    case FlagStyle::Repeat:
        for (const QJsonValue& item : value.toArray()) {
            QJsonArray one { item };
            flags.append({ flag, policyValueText(field, one) });
        }
        break;
    case FlagStyle::CommaList:
        flags.append({ flag, policyValueText(field, value).replace(QStringLiteral(", "), QStringLiteral(",")) });
        break;
    case FlagStyle::Value:
        flags.append({ flag, policyValueText(field, value) });
        break;
    }
    return flags;
}

// Puts `value` into the form through its control, the way a person would.
void enterInForm(PolicyForm& form, const PolicyField& field, const QJsonValue& value)
{
    QWidget* editor = form.editor(QLatin1String(field.key));
    QVERIFY2(editor, field.key);
    if (auto* check = qobject_cast<QCheckBox*>(editor)) {
        check->setChecked(value.toBool());
    } else if (auto* combo = qobject_cast<QComboBox*>(editor)) {
        const int index = combo->findData(policyValueText(field, value));
        QVERIFY2(index >= 0, field.key);
        combo->setCurrentIndex(index);
    } else if (auto* spin = qobject_cast<QSpinBox*>(editor)) {
        spin->setValue(value.toInt());
    } else if (auto* edit = qobject_cast<QLineEdit*>(editor)) {
        edit->setFocus();
        edit->selectAll();
        QTest::keyClick(edit, Qt::Key_Backspace);
        QTest::keyClicks(edit, policyValueText(field, value));
        QTest::keyClick(edit, Qt::Key_Return);
    } else if (auto* list = qobject_cast<ListEditor*>(editor)) {
        list->setItems({});
        const QStringList items = field.type == PolicyType::HeaderList
            ? policyValueText(field, value).split(QLatin1Char('\n'))
            : policyValueText(field, value).split(QStringLiteral(", "));
        for (const QString& item : items) {
            list->entry()->setText(item);
            list->addEntry();
        }
    } else {
        QFAIL(qPrintable(QStringLiteral("no way to enter %1").arg(QLatin1String(field.key))));
    }
}
} // namespace

class TstPolicyForm : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyFieldRoundTrips_data()
    {
        QTest::addColumn<QString>("key");
        for (const PolicyField& field : policyFields())
            QTest::newRow(field.key) << QString::fromLatin1(field.key);
    }

    void everyFieldRoundTrips()
    {
        QFETCH(QString, key);
        const PolicyField& field = *findPolicyField(key);
        const QJsonValue value = sampleValue(field);
        QVERIFY2(policyValueProblem(field, value).isEmpty(), qPrintable(policyValueProblem(field, value)));
        QVERIFY(value != policyValue(ServerPolicy {}, field));

        ServerPolicy set;
        QVERIFY(setPolicyValue(set, field, value));
        QCOMPARE(policyDifferences(set, ServerPolicy {}), QStringList { key });

        // JSON: written and read back.
        QString error;
        const std::optional<ServerPolicy> fromJson = policyFromJson(policyToJson(set), &error);
        QVERIFY2(fromJson, qPrintable(error));
        QCOMPARE(policyValue(*fromJson, field), value);

        // Flags, for `serve` and (prefixed) for the window.
        for (const QString& prefix : { QString(), QStringLiteral("server-") }) {
            ServerPolicy fromFlags;
            PolicyFlags flags(fromFlags, prefix);
            for (const auto& [flag, text] : flagsFor(field, value)) {
                const PolicyFlags::Kind kind = flags.kind(prefix + flag);
                QCOMPARE(kind == PolicyFlags::Kind::TakesValue, text.has_value());
                QVERIFY2(flags.apply(prefix + flag, text, &error), qPrintable(error));
            }
            QVERIFY2(flags.finish(&error), qPrintable(error));
            QCOMPARE(policyValue(fromFlags, field), value);
            QCOMPARE(policyDifferences(fromFlags, ServerPolicy {}), QStringList { key });
        }

        // The form: entered through its control, read back; and shown when set from elsewhere.
        PolicyForm form;
        if (field.enabledBy) { // a greyed-out control cannot be used: switch its condition on first
            ServerPolicy start;
            setPolicyValue(start, *findPolicyField(QString::fromLatin1(field.enabledBy)), true);
            form.setPolicy(start);
        }
        enterInForm(form, field, value);
        QVERIFY2(form.problem().isEmpty(), qPrintable(form.problem()));
        QCOMPARE(policyValue(form.policy(), field), value);

        PolicyForm shown;
        shown.setPolicy(set);
        QVERIFY(samePolicy(shown.policy(), set));
        if (auto* edit = qobject_cast<QLineEdit*>(shown.editor(key)))
            QCOMPARE(edit->text(), policyValueText(field, value));
    }

    void outOfRangeGetsTheSameSentenceEverywhere_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QJsonValue>("json");
        QTest::newRow("max message 0") << "maxMessageBytes"
                                       << "0" << QJsonValue(0);
        QTest::newRow("max message above 1 TiB") << "maxMessageBytes"
                                                 << "2 TiB" << QJsonValue(double(qint64(2) << 40));
        QTest::newRow("queued below 1 KiB") << "maxQueuedBytes"
                                            << "100" << QJsonValue(100);
        QTest::newRow("head bytes") << "headLimits.maxHeadBytes"
                                    << "1" << QJsonValue(1);
        QTest::newRow("version 300") << "versions"
                                     << "13,300" << QJsonValue(QJsonArray { 13, 300 });
        QTest::newRow("protocol with a space") << "protocols"
                                               << "a b" << QJsonValue(QJsonArray { "a b" });
        QTest::newRow("header injection")
            << "extraResponseHeaders"
            << "X: a\r\nEvil: 1"
            << QJsonValue(QJsonArray { QJsonObject { { "name", "X" }, { "value", "a\r\nEvil: 1" } } });
        QTest::newRow("window bits 16") << "deflate.serverMaxWindowBits"
                                        << "16" << QJsonValue(16);
        QTest::newRow("order") << "protocolOrder"
                               << "random" << QJsonValue(QStringLiteral("random"));
    }

    void outOfRangeGetsTheSameSentenceEverywhere()
    {
        QFETCH(QString, key);
        QFETCH(QString, text);
        QFETCH(QJsonValue, json);
        const PolicyField& field = *findPolicyField(key);
        const QString sentence = policyValueProblem(field, json);
        QVERIFY2(!sentence.isEmpty(), "the value should be refused");

        // JSON: nested keys are written as objects.
        QJsonObject profile;
        const qsizetype dot = key.indexOf(QLatin1Char('.'));
        if (dot < 0)
            profile.insert(key, json);
        else
            profile.insert(key.left(dot), QJsonObject { { key.mid(dot + 1), json } });
        QString jsonError;
        QVERIFY(!policyFromJson(profile, &jsonError));
        QCOMPARE(jsonError, QStringLiteral("\"%1\" %2").arg(key, sentence));

        ServerPolicy policy;
        PolicyFlags flags(policy);
        QString flagError;
        QVERIFY(!flags.apply(QLatin1String(field.flag), text, &flagError));
        QCOMPARE(flagError, QStringLiteral("--%1 %2").arg(QLatin1String(field.flag), sentence));

        PolicyForm form;
        QWidget* editor = form.editor(key);
        if (auto* spin = qobject_cast<QSpinBox*>(editor)) {
            // A spin box cannot hold the value at all: its range is the schema's.
            QCOMPARE(spin->minimum(), int(field.min));
            QCOMPARE(spin->maximum(), int(field.max));
            return;
        }
        if (auto* combo = qobject_cast<QComboBox*>(editor)) {
            QCOMPARE(combo->findData(text), -1); // only the schema's words are offered
            return;
        }
        QString formError;
        if (auto* list = qobject_cast<ListEditor*>(editor)) {
            list->entry()->setText(text);
            list->addEntry();
            formError = form.problem();
        } else {
            formError = form.enterText(key, text);
        }
        QCOMPARE(formError, QStringLiteral("%1: %2").arg(QString::fromUtf8(field.label), sentence));
        QCOMPARE(policyValue(form.policy(), field), policyValue(ServerPolicy {}, field)); // nothing was applied
    }

    void switchesGivenBothWaysContradict()
    {
        ServerPolicy policy;
        PolicyFlags flags(policy);
        QString error;
        QVERIFY(flags.apply(QStringLiteral("deflate"), std::nullopt, &error));
        QVERIFY(flags.apply(QStringLiteral("no-deflate"), std::nullopt, &error));
        QVERIFY(!flags.finish(&error));
        QCOMPARE(error, QStringLiteral("--deflate and --no-deflate contradict each other"));
    }

    void usageListsEveryFlagWithItsDefault()
    {
        const QString usage = PolicyFlags::usage();
        for (const PolicyField& field : policyFields())
            QVERIFY2(usage.contains(QStringLiteral("--%1").arg(QLatin1String(field.flag))), field.flag);
        QVERIFY2(usage.contains(QStringLiteral("(default 64 MiB)")), qPrintable(usage));
        QVERIFY2(usage.contains(QStringLiteral("--versions V,V")), qPrintable(usage));
        QVERIFY(PolicyFlags::usage(QStringLiteral("server-")).contains(QStringLiteral("--server-allow-origin ORIGIN")));
    }

    void dependentRowsFollowTheirSwitch()
    {
        PolicyForm form;
        auto* deflate = qobject_cast<QCheckBox*>(form.editor(QStringLiteral("deflate.enabled")));
        QVERIFY(deflate && deflate->isChecked());
        QVERIFY(form.editor(QStringLiteral("deflate.serverMaxWindowBits"))->isEnabled());
        deflate->setChecked(false);
        QVERIFY(!form.policy().deflate.enabled);
        QVERIFY(!form.editor(QStringLiteral("deflate.serverMaxWindowBits"))->isEnabled());
    }
};

QTEST_MAIN(TstPolicyForm)
#include "tst_policyform.moc"
