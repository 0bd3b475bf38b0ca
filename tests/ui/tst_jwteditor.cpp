// The builder's JWT editor, driven through its widgets: a token signed there is the request's token and decodes
// to the claims typed; a pasted token is decoded and checked; the countdown follows the clock it is given; and the
// placement chosen reaches the request's bytes.
#include "core/jwt.h"
#include "engine/echoserver.h"
#include "support/jwtkeys.h"
#include "support/windowtests.h"
#include "ui/builder/handshakebuilder.h"
#include "ui/builder/jwteditor.h"
#include "ui/window/mainwindow.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>

using namespace wsi;
using wsi::test::child;

namespace
{
constexpr qint64 kNow = 1796306400; // 2026-12-03 14:00:00 UTC

void choose(QComboBox* combo, const QString& text)
{
    const int index = combo->findText(text);
    QVERIFY2(index >= 0, qPrintable(text));
    combo->setCurrentIndex(index);
}

void choosePlacement(JwtEditor* editor, TokenPlacement placement)
{
    auto* combo = child<QComboBox>(editor, "jwtPlacementCombo");
    combo->setCurrentIndex(combo->findData(int(placement)));
}

void retype(QLineEdit* edit, const QString& text)
{
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Delete);
    QTest::keyClicks(edit, text);
}

// A token signed outside the editor, as a person would paste it.
QByteArray hs256Token(const QJsonObject& claims)
{
    const JwtSignResult result = signJwt(JwtAlgorithm::HS256, claims, "s3cret");
    return result.token;
}
} // namespace

class TestJwtEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void signedTokenBecomesTheRequestsAndDecodes()
    {
        HandshakeBuilder builder;
        JwtEditor* editor = builder.openJwtEditor();
        editor->setClock([] { return kNow; });
        QVERIFY(QTest::qWaitForWindowExposed(editor));
        child<QTabWidget>(editor, "jwtTabs")->setCurrentIndex(1);

        auto* table = child<QTableWidget>(editor, "jwtClaimsTable");
        table->item(0, 1)->setText(QStringLiteral("bob")); // the sub row
        QTest::mouseClick(child<QAbstractButton>(editor, "jwtAddClaimButton"), Qt::LeftButton);
        table->item(3, 0)->setText(QStringLiteral("roles"));
        table->item(3, 1)->setText(QStringLiteral("[\"admin\"]"));
        child<QSpinBox>(editor, "jwtExpiresMinutesSpin")->setValue(15);
        QTest::keyClicks(child<QLineEdit>(editor, "jwtSigningSecretEdit"), QStringLiteral("s3cret"));
        QTest::mouseClick(child<QPushButton>(editor, "jwtSignButton"), Qt::LeftButton);

        const QByteArray token = builder.spec().token;
        QVERIFY2(token.startsWith("eyJ"), token.constData());
        const JwtDecodeResult decoded = decodeJwt(token);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error));
        QCOMPARE(decoded.token->algorithmName, QStringLiteral("HS256"));
        QCOMPARE(decoded.token->claims.value("sub").toString(), QStringLiteral("bob"));
        QCOMPARE(decoded.token->claims.value("iat").toInteger(), kNow);
        QCOMPARE(decoded.token->claims.value("exp").toInteger(), kNow + 15 * 60);
        QCOMPARE(decoded.token->claims.value("roles").toArray().first().toString(), QStringLiteral("admin"));
        QVERIFY(!decoded.token->claims.contains("iss")); // an empty row is left out
        QVERIFY(child<QLabel>(editor, "jwtSignStatus")->text().startsWith(QStringLiteral("Signed with HS256")));
        QVERIFY(builder.preview().request.target.endsWith("?token=" + token));

        // The decode tab shows it, and checking it with the secret passes every step.
        QVERIFY(child<QPlainTextEdit>(editor, "jwtClaimsView")->toPlainText().contains("\"sub\": \"bob\""));
        QCOMPARE(child<QLabel>(editor, "jwtExpiryLabel")->text(),
            QStringLiteral("exp 2026-12-03 14:15:00 UTC: expires in 15 min"));
        auto* checkKey = child<QPlainTextEdit>(editor, "jwtCheckKeyEdit");
        QTest::keyClicks(checkKey, QStringLiteral("s3cret"));
        const QString valid = child<QLabel>(editor, "jwtVerificationLabel")->text();
        QVERIFY2(valid.startsWith(QStringLiteral("Valid: JWT HS256 signature valid")), qPrintable(valid));
        QVERIFY2(valid.contains(QStringLiteral("user bob (sub)")), qPrintable(valid));
        QTest::keyClicks(checkKey, QStringLiteral("x")); // now "s3cretx"
        const QString refused = child<QLabel>(editor, "jwtVerificationLabel")->text();
        QVERIFY2(refused.startsWith(QStringLiteral("Refused: ")) && refused.contains(QStringLiteral("signature")),
            qPrintable(refused));
    }

    void pastedKeyChoosesItsAlgorithmAndChecksWithThePublicKey()
    {
        const test::JwtTestKeyPair pair = test::makeJwtTestKeyPair(QStringLiteral("P-256"));
        QVERIFY(!pair.privatePem.isEmpty());
        HandshakeBuilder builder;
        JwtEditor* editor = builder.openJwtEditor();
        editor->setClock([] { return kNow; });
        choose(child<QComboBox>(editor, "jwtAlgorithmCombo"), QStringLiteral("RS256"));
        child<QPlainTextEdit>(editor, "jwtSigningKeyEdit")->setPlainText(QString::fromLatin1(pair.privatePem));
        QCOMPARE(child<QComboBox>(editor, "jwtAlgorithmCombo")->currentText(), QStringLiteral("ES256"));
        QTest::mouseClick(child<QPushButton>(editor, "jwtSignButton"), Qt::LeftButton);
        QCOMPARE(decodeJwt(builder.spec().token).token->algorithmName, QStringLiteral("ES256"));

        child<QPlainTextEdit>(editor, "jwtCheckKeyEdit")->setPlainText(QString::fromLatin1(pair.publicPem));
        const QString valid = child<QLabel>(editor, "jwtVerificationLabel")->text();
        QVERIFY2(valid.startsWith(QStringLiteral("Valid: JWT ES256 signature valid")), qPrintable(valid));
    }

    void countdownFollowsTheClockItIsGiven()
    {
        qint64 now = kNow;
        HandshakeBuilder builder;
        JwtEditor* editor = builder.openJwtEditor();
        editor->setClock([&now] { return now; });
        const QByteArray token = hs256Token(
            { { QStringLiteral("sub"), QStringLiteral("alice") }, { QStringLiteral("exp"), double(kNow + 800) } });
        QTest::keyClicks(child<QPlainTextEdit>(editor, "jwtTokenEdit"), QString::fromLatin1(token));
        QCOMPARE(builder.spec().token, token);
        auto* expiry = child<QLabel>(editor, "jwtExpiryLabel");
        QCOMPARE(expiry->text(), QStringLiteral("exp 2026-12-03 14:13:20 UTC: expires in 13 min 20 s"));
        now = kNow + 800 + 180;
        QTRY_COMPARE(expiry->text(), QStringLiteral("exp 2026-12-03 14:13:20 UTC: expired 3 min ago"));

        child<QPlainTextEdit>(editor, "jwtTokenEdit")->setPlainText(QStringLiteral("opaque-token"));
        QVERIFY(
            child<QLabel>(editor, "jwtDecodeStatus")->text().startsWith(QStringLiteral("Not a JWT, sent as typed")));
        QVERIFY(expiry->text().isEmpty());
        QCOMPARE(builder.spec().token, QByteArray("opaque-token"));
    }

    void placementReachesTheBuiltRequest()
    {
        HandshakeBuilder builder;
        JwtEditor* editor = builder.openJwtEditor();
        QTest::keyClicks(child<QPlainTextEdit>(editor, "jwtTokenEdit"), QStringLiteral("t0k"));
        auto* name = child<QLineEdit>(editor, "jwtPlacementNameEdit");

        QCOMPARE(name->text(), QStringLiteral("token"));
        retype(name, QStringLiteral("jwt"));
        QCOMPARE(builder.preview().request.target, QByteArray("/?jwt=t0k"));

        choosePlacement(editor, TokenPlacement::Bearer);
        QVERIFY(name->isHidden());
        QCOMPARE(builder.preview().request.headers.value("Authorization"), QByteArray("Bearer t0k"));
        QCOMPARE(builder.preview().request.target, QByteArray("/"));

        choosePlacement(editor, TokenPlacement::Cookie);
        QCOMPARE(name->text(), QStringLiteral("session"));
        retype(name, QStringLiteral("auth"));
        QCOMPARE(builder.preview().request.headers.value("Cookie"), QByteArray("auth=t0k"));
        QVERIFY(!builder.preview().request.headers.contains("Authorization"));
        // The builder's own placement list names the cookie, as the server's --token-from words it.
        QCOMPARE(child<QComboBox>(&builder, "tokenPlacementCombo")->currentText(), QStringLiteral("Cookie auth="));

        choosePlacement(editor, TokenPlacement::Protocol);
        QCOMPARE(builder.preview().request.headers.value("Sec-WebSocket-Protocol"), QByteArray("token.t0k"));
        // Typed key by key, "bad" is a good prefix until the space: from there the last good one stays, and why is
        // said on the field.
        retype(name, QStringLiteral("bad prefix"));
        QVERIFY(name->toolTip().contains(QStringLiteral("RFC 9110")));
        QCOMPARE(builder.preview().request.headers.value("Sec-WebSocket-Protocol"), QByteArray("badt0k"));

        // Back to the query: the parameter typed before is still there.
        choosePlacement(editor, TokenPlacement::Query);
        QCOMPARE(name->text(), QStringLiteral("jwt"));
        QCOMPARE(builder.preview().request.target, QByteArray("/?jwt=t0k"));
        QCOMPARE(builder.spec().tokenCookieName, QByteArray("auth"));
    }

    // Not a check: pictures of the editor for a person to look at (WSI_SCREENSHOT_DIR=dir).
    void screenshots()
    {
        const QString dir = qEnvironmentVariable("WSI_SCREENSHOT_DIR");
        if (dir.isEmpty())
            QSKIP("set WSI_SCREENSHOT_DIR to save screenshots of the JWT editor");
        for (const QSize size : { QSize(1000, 650), QSize(1920, 1080) }) {
            auto server = test::startLocalServer({});
            MainWindow window(server.get());
            window.resize(size);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            auto* builder = window.findChild<HandshakeBuilder*>();
            QVERIFY(builder);
            JwtEditor* editor = builder->openJwtEditor();
            editor->setClock([] { return kNow; });
            QVERIFY(QTest::qWaitForWindowExposed(editor));
            const QString suffix = QStringLiteral("-%1x%2.png").arg(size.width()).arg(size.height());
            child<QTabWidget>(editor, "jwtTabs")->setCurrentIndex(1);
            QTest::keyClicks(child<QLineEdit>(editor, "jwtSigningSecretEdit"), QStringLiteral("s3cret"));
            QTest::mouseClick(child<QPushButton>(editor, "jwtSignButton"), Qt::LeftButton);
            QVERIFY(editor->grab().save(dir + QStringLiteral("/jwt-sign") + suffix));
            child<QTabWidget>(editor, "jwtTabs")->setCurrentIndex(0);
            child<QLineEdit>(editor, "jwtCheckAudienceEdit")->setText(QStringLiteral("wsi"));
            child<QPlainTextEdit>(editor, "jwtCheckKeyEdit")->setPlainText(QStringLiteral("s3cret"));
            QVERIFY(editor->grab().save(dir + QStringLiteral("/jwt-decode") + suffix));
            editor->close();
            QVERIFY(window.grab().save(dir + QStringLiteral("/jwt-window") + suffix));
        }
        // The builder as narrow as its dock gets at 1000x650, with a signed token sent as a cookie.
        HandshakeBuilder builder;
        builder.resize(300, 640);
        builder.show();
        QVERIFY(QTest::qWaitForWindowExposed(&builder));
        JwtEditor* editor = builder.openJwtEditor();
        child<QTabWidget>(editor, "jwtTabs")->setCurrentIndex(1);
        QTest::keyClicks(child<QLineEdit>(editor, "jwtSigningSecretEdit"), QStringLiteral("s3cret"));
        QTest::mouseClick(child<QPushButton>(editor, "jwtSignButton"), Qt::LeftButton);
        choosePlacement(editor, TokenPlacement::Cookie);
        editor->close();
        QVERIFY(builder.grab().save(dir + QStringLiteral("/jwt-builder-300.png")));
    }
};

QTEST_MAIN(TestJwtEditor)
#include "tst_jwteditor.moc"
