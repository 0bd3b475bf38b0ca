// The handshake builder on its own: what a person types stays what they typed (no URL completed behind
// their back, no fixed key filled in for them), and loading a profile can be undone.
#include "core/handshake.h"
#include "support/windowtests.h"
#include "ui/builder/handshakebuilder.h"
#include "ui/builder/headerrowsmodel.h"
#include "ui/builder/profiles.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>

using namespace wsi;
using wsi::test::child;

namespace
{
} // namespace

class tst_HandshakeBuilder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void typedUrlIsNotCompletedFromRecentUrls();
    void fixedKeyKeepsWhatWasTyped();
    void profileLoadCanBeUndone();
    void ctrlZInTheUrlBoxUndoesTheLoad();
    void profileDescriptionIsShownInFull();
};

void tst_HandshakeBuilder::typedUrlIsNotCompletedFromRecentUrls()
{
    HandshakeBuilder builder;
    builder.show();
    QVERIFY(QTest::qWaitForWindowExposed(&builder));
    builder.setRecentUrls({ QStringLiteral("ws://127.0.0.1:44157/chat") });
    QLineEdit* url = child<QComboBox>(&builder, "urlCombo")->lineEdit();
    url->clear();
    url->setFocus();
    QSignalSpy connect(&builder, &HandshakeBuilder::connectRequested);
    QTest::keyClicks(url, QStringLiteral("ws://127.0.0.1:44157/"));
    QTest::keyClick(url, Qt::Key_Return);
    QCOMPARE(connect.count(), 1);
    QCOMPARE(builder.spec().url, QStringLiteral("ws://127.0.0.1:44157/"));
    QCOMPARE(builder.preview().request.target, QByteArray("/"));
}

void tst_HandshakeBuilder::fixedKeyKeepsWhatWasTyped()
{
    HandshakeBuilder builder;
    auto* mode = child<QComboBox>(&builder, "keyModeCombo");
    auto* key = child<QLineEdit>(&builder, "keyEdit");
    QCOMPARE(builder.spec().keyMode, KeyMode::Auto);

    // Fixed with nothing typed: the field waits, empty, and says what to do.
    mode->setCurrentIndex(mode->findData(int(KeyMode::Fixed)));
    QCOMPARE(builder.spec().keyMode, KeyMode::Fixed);
    QVERIFY(key->isEnabled());
    QCOMPARE(key->text(), QString());
    QVERIFY(!key->placeholderText().isEmpty());
    QCOMPARE(builder.spec().fixedKey, QByteArray());
    // Editing another row does not switch the mode back while the field waits.
    HeaderRowsModel* rows = builder.rowsModel();
    rows->setData(rows->index(rows->addRow(-1), HeaderRowsModel::NameColumn), QStringLiteral("X-Other"));
    QCOMPARE(builder.spec().keyMode, KeyMode::Fixed);
    QCOMPARE(mode->currentData().toInt(), int(KeyMode::Fixed));

    // What is typed is what is sent, and survives a trip through auto.
    QTest::keyClicks(key, QStringLiteral("my-own-key"));
    QCOMPARE(builder.spec().fixedKey, QByteArray("my-own-key"));
    mode->setCurrentIndex(mode->findData(int(KeyMode::Auto)));
    mode->setCurrentIndex(mode->findData(int(KeyMode::Fixed)));
    QCOMPARE(key->text(), QStringLiteral("my-own-key"));
    QCOMPARE(builder.preview().key, QByteArray("my-own-key"));
}

void tst_HandshakeBuilder::profileLoadCanBeUndone()
{
    HandshakeBuilder builder;
    QTest::keyClicks(child<QLineEdit>(&builder, "originEdit"), QStringLiteral("https://mine.example"));
    const HandshakeSpec edited = builder.spec();
    QCOMPARE(edited.origin, QByteArray("https://mine.example"));
    QVERIFY(!builder.undoAction()->isEnabled());

    const auto preset = loadProfile(QStringLiteral(":/profiles/deflate.json"));
    QVERIFY(preset);
    QVERIFY(builder.loadProfileSpec(preset->spec, preset->info));
    QCOMPARE(builder.spec(), preset->spec);
    QVERIFY(builder.undoAction()->isEnabled());
    QCOMPARE(builder.undoAction()->shortcut(), QKeySequence(QKeySequence::Undo));

    QSignalSpy status(&builder, &HandshakeBuilder::statusMessage);
    builder.undoAction()->trigger();
    QCOMPARE(builder.spec(), edited);
    QCOMPARE(child<QLineEdit>(&builder, "originEdit")->text(), QStringLiteral("https://mine.example"));
    QCOMPARE(status.count(), 1);
    QVERIFY(status.at(0).at(0).toString().contains(preset->info.name));
    QVERIFY(!builder.undoAction()->isEnabled());
    QVERIFY(!builder.undoProfileLoad());

    // Loading the spec already shown changes nothing, so there is nothing to undo.
    QVERIFY(!builder.loadProfileSpec(edited, ProfileInfo {}));
    QVERIFY(!builder.undoAction()->isEnabled());
}

void tst_HandshakeBuilder::ctrlZInTheUrlBoxUndoesTheLoad()
{
    HandshakeBuilder builder;
    builder.show();
    QVERIFY(QTest::qWaitForWindowActive(&builder));
    QLineEdit* url = child<QComboBox>(&builder, "urlCombo")->lineEdit();
    url->setFocus();
    url->selectAll();
    QTest::keyClicks(url, QStringLiteral("ws://typed.example/"));
    const HandshakeSpec edited = builder.spec();
    const auto preset = loadProfile(QStringLiteral(":/profiles/chat.json"));
    QVERIFY(preset);
    QVERIFY(builder.loadProfileSpec(preset->spec, preset->info));
    QCOMPARE(builder.spec().url, preset->spec.url);
    // The URL box has no typing of its own left to undo: Ctrl+Z is the builder's.
    QTest::keySequence(url, QKeySequence::Undo);
    QCOMPARE(builder.spec(), edited);
    QCOMPARE(url->text(), QStringLiteral("ws://typed.example/"));
}

void tst_HandshakeBuilder::profileDescriptionIsShownInFull()
{
    HandshakeBuilder builder;
    const QList<ProfileInfo> presets = builtInProfiles();
    QVERIFY(!presets.isEmpty());
    builder.setProfiles(presets);
    auto* combo = child<QComboBox>(&builder, "profileCombo");
    auto* description = child<QLabel>(&builder, "profileDescription");
    for (const ProfileInfo& info : presets) {
        QVERIFY2(!info.description.isEmpty(), qPrintable(info.path));
        QCOMPARE(combo->itemData(combo->findData(info.path), Qt::ToolTipRole).toString(), info.description);
    }
    builder.setCurrentProfile(presets.first());
    QCOMPARE(description->text(), presets.first().description);
    QVERIFY(!description->isHidden());
    QVERIFY(description->wordWrap());
}

QTEST_MAIN(tst_HandshakeBuilder)
#include "tst_handshakebuilder.moc"
