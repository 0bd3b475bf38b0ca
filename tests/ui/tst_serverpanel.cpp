// The server panel driven through its own widgets, against the real EchoServer and Qt's own
// WebSocket client.
#include "core/events.h"
#include "core/jwt.h"
#include "core/policyschema.h"
#include "engine/echoserver.h"
#include "support/windowtests.h"
#include "ui/server/connectionsmodel.h"
#include "ui/server/serverpanel.h"
#include "ui/widgets/decisiontraceview.h"
#include "ui/widgets/listeditor.h"
#include "ui/widgets/rawhttpview.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QFileInfo>
#include <QGroupBox>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QNetworkRequest>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QToolButton>
#include <QWebSocket>
#include <QWheelEvent>

using namespace wsi;
using wsi::test::child;

namespace
{
constexpr int kTimeoutMs = 5000;

QString cell(const ConnectionsModel& model, int row, ConnectionsModel::Column column)
{
    return model.data(model.index(row, column)).toString();
}

QStringList traceLines(const DecisionTraceView& view)
{
    QStringList lines;
    for (int i = 0; i < view.count(); ++i)
        lines.append(view.item(i)->text());
    return lines;
}

// Types into a list editor's entry field and presses Enter, as a user would.
void addToList(ListEditor* editor, const QString& text)
{
    editor->entry()->setFocus();
    QTest::keyClicks(editor->entry(), text);
    QTest::keyClick(editor->entry(), Qt::Key_Return);
}

QUrl wsUrl(const EchoServer& server, const QString& path = QStringLiteral("/"))
{
    QUrl url = server.url();
    url.setPath(path);
    return url;
}
} // namespace

class TestServerPanel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<EchoServer>();
        QString error;
        QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        m_panel = std::make_unique<ServerPanel>(m_server.get());
        m_panel->resize(420, 900);
        m_panel->show();
        m_tester = std::make_unique<QAbstractItemModelTester>(
            m_panel->connectionsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }

    void cleanup()
    {
        m_tester.reset();
        m_panel.reset();
        m_server.reset();
    }

    void formShowsTheServersPolicy()
    {
        ServerPolicy policy;
        policy.protocols = { "msgpack", "json" };
        policy.allowedOrigins = { "https://app.example" };
        policy.token = "s3cret";
        policy.deflate.serverMaxWindowBits = 10;
        policy.maxMessageBytes = 1000; // not a whole KiB: must survive until the field is edited
        m_server->setPolicy(policy);
        // Changed elsewhere (a profile, the main window): the form follows.
        QCOMPARE(child<ListEditor>(*m_panel, "protocols")->items(),
            QStringList({ QStringLiteral("msgpack"), QStringLiteral("json") }));
        QCOMPARE(child<ListEditor>(*m_panel, "allowedOrigins")->items(),
            QStringList({ QStringLiteral("https://app.example") }));
        QCOMPARE(child<QLineEdit>(*m_panel, "token")->text(), QStringLiteral("s3cret"));
        QCOMPARE(child<QSpinBox>(*m_panel, "deflate.serverMaxWindowBits")->value(), 10);
        QCOMPARE(child<QLineEdit>(*m_panel, "maxMessageBytes")->text(), QStringLiteral("1000"));
        QVERIFY(m_panel->policyFromForm() == m_server->policy());
        QCOMPARE(m_server->policy().maxMessageBytes, qint64(1000));
    }

    void everyControlReachesThePolicy()
    {
        QSignalSpy status(m_panel.get(), &ServerPanel::statusMessage);
        auto* protocols = child<ListEditor>(*m_panel, "protocols");
        protocols->setItems({});
        addToList(protocols, QStringLiteral("json"));
        addToList(protocols, QStringLiteral("msgpack"));
        protocols->list()->setCurrentRow(1);
        protocols->moveSelected(-1);
        QCOMPARE(m_server->policy().protocols, QList<QByteArray>({ "msgpack", "json" }));

        child<QComboBox>(*m_panel, "protocolOrder")->setCurrentIndex(1);
        child<QComboBox>(*m_panel, "noProtocolMatch")->setCurrentIndex(1);
        child<QComboBox>(*m_panel, "allowMissingOrigin")->setCurrentIndex(1);
        child<QComboBox>(*m_panel, "originFailure")->setCurrentIndex(1);
        QTest::keyClicks(child<QLineEdit>(*m_panel, "token"), QStringLiteral("t0ken"));
        child<QComboBox>(*m_panel, "authFailure")->setCurrentIndex(1);
        child<QCheckBox>(*m_panel, "deflate.serverNoContextTakeover")->setChecked(true);
        child<QCheckBox>(*m_panel, "deflate.clientNoContextTakeover")->setChecked(true);
        child<QSpinBox>(*m_panel, "deflate.serverMaxWindowBits")->setValue(9);
        child<QSpinBox>(*m_panel, "deflate.clientMaxWindowBits")->setValue(12);
        child<QSpinBox>(*m_panel, "compressionLevel")->setValue(1);
        auto* maxMessage = child<QLineEdit>(*m_panel, "maxMessageBytes");
        maxMessage->clear();
        QTest::keyClicks(maxMessage, QStringLiteral("4 KiB"));
        QTest::keyClick(maxMessage, Qt::Key_Return);
        child<QSpinBox>(*m_panel, "handshakeTimeoutMs")->setValue(2500);

        const ServerPolicy& policy = m_server->policy();
        QCOMPARE(policy.protocolOrder, ProtocolOrder::Client);
        QCOMPARE(policy.noProtocolMatch, NoProtocolMatch::Reject);
        QCOMPARE(policy.allowMissingOrigin, false);
        QCOMPARE(policy.originFailure, FailureMode::Close);
        QCOMPARE(policy.token, QByteArray("t0ken"));
        QCOMPARE(policy.authFailure, FailureMode::Close);
        QVERIFY(policy.deflate.enabled);
        QVERIFY(policy.deflate.serverNoContextTakeover);
        QVERIFY(policy.deflate.clientNoContextTakeover);
        QCOMPARE(policy.deflate.serverMaxWindowBits, 9);
        QCOMPARE(policy.deflate.clientMaxWindowBits, 12);
        QCOMPARE(policy.compressionLevel, 1);
        QCOMPARE(policy.maxMessageBytes, qint64(4096));
        QCOMPARE(policy.handshakeTimeoutMs, 2500);

        child<QCheckBox>(*m_panel, "deflate.enabled")->setChecked(false);
        QVERIFY(!m_server->policy().deflate.enabled);

        QVERIFY(child<QLabel>(*m_panel, "policyNotice")->isVisible());
        QVERIFY(child<QLabel>(*m_panel, "policyNotice")->text().contains(QStringLiteral("next connection")));
        QVERIFY(!status.isEmpty());
        QVERIFY(status.constLast().at(0).toString().contains(QStringLiteral("next connection")));
    }

    void policyChangeIsMarkedAndCanBeUndone()
    {
        const ServerPolicy before = m_server->policy();
        QVERIFY(m_panel->policyNoticeText().isEmpty());
        QVERIFY(!m_panel->canUndoPolicy());

        child<QComboBox>(*m_panel, "protocolOrder")->setCurrentIndex(1);
        QCOMPARE(m_server->policy().protocolOrder, ProtocolOrder::Client);
        QCOMPARE(m_panel->pendingPolicyChanges(), QStringList { QStringLiteral("protocolOrder") });
        const QString notice = m_panel->policyNoticeText();
        // Named by the form's label for the field, and saying when it takes effect.
        const QString label = QString::fromUtf8(findPolicyField(u"protocolOrder")->label);
        QVERIFY2(notice.contains(label), qPrintable(notice));
        QVERIFY2(notice.contains(QStringLiteral("next connection")), qPrintable(notice));
        QVERIFY(child<QToolButton>(*m_panel, "undoPolicyButton")->isVisible());

        child<QCheckBox>(*m_panel, "deflate.enabled")->setChecked(!before.deflate.enabled);
        QCOMPARE(m_panel->pendingPolicyChanges().size(), 2);

        // Ctrl+Z in the panel takes back the last change, then the one before.
        auto* combo = child<QComboBox>(*m_panel, "protocolOrder");
        m_panel->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_panel.get()));
        combo->setFocus();
        QTRY_VERIFY(combo->hasFocus());
        QTest::keyClick(combo, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(m_server->policy().deflate.enabled, before.deflate.enabled);
        QCOMPARE(child<QCheckBox>(*m_panel, "deflate.enabled")->isChecked(), before.deflate.enabled);
        QCOMPARE(m_panel->pendingPolicyChanges(), QStringList { QStringLiteral("protocolOrder") });
        child<QToolButton>(*m_panel, "undoPolicyButton")->click();
        QVERIFY(samePolicy(m_server->policy(), before));
        QCOMPARE(combo->currentIndex(), 0);
        QVERIFY(m_panel->policyNoticeText().isEmpty());
        QVERIFY(!m_panel->canUndoPolicy());
        QVERIFY(!child<QToolButton>(*m_panel, "undoPolicyButton")->isVisible());
    }

    void markerCountsFromTheNewestConnection()
    {
        child<QComboBox>(*m_panel, "noProtocolMatch")->setCurrentIndex(1);
        QVERIFY(!m_panel->policyNoticeText().isEmpty());
        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        client.open(wsUrl(*m_server));
        QTRY_COMPARE_WITH_TIMEOUT(m_panel->connectionsModel()->rowCount(), 1, kTimeoutMs);
        // That connection met the changed policy: nothing is pending any more.
        QVERIFY(m_panel->pendingPolicyChanges().isEmpty());
        QVERIFY(m_panel->policyNoticeText().isEmpty());
    }

    void wheelOverAnUnfocusedControlScrollsTheForm()
    {
        auto* scroll = child<QScrollArea>(*m_panel, "settingsScroll");
        m_panel->resize(420, 500);
        QTRY_VERIFY(scroll->verticalScrollBar()->maximum() > 0);
        auto* combo = child<QComboBox>(*m_panel, "noProtocolMatch");
        scroll->ensureWidgetVisible(combo);
        QVERIFY(!combo->hasFocus());
        QCOMPARE(combo->focusPolicy(), Qt::StrongFocus);
        const int index = combo->currentIndex();
        const int scrolled = scroll->verticalScrollBar()->value();
        const QPointF local(combo->width() / 2.0, combo->height() / 2.0);
        // Wheel towards the end of the list: a combo box with focus would move to its next item.
        QWheelEvent wheel(local, combo->mapToGlobal(local), QPoint(), QPoint(0, -120), Qt::NoButton, Qt::NoModifier,
            Qt::NoScrollPhase, false);
        QApplication::sendEvent(combo, &wheel);
        QCOMPARE(combo->currentIndex(), index);
        QVERIFY2(scroll->verticalScrollBar()->value() > scrolled, "the wheel did not scroll the form");

        // With focus, the control takes the wheel as usual.
        m_panel->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_panel.get()));
        combo->setFocus();
        QTRY_VERIFY(combo->hasFocus());
        QWheelEvent focused(local, combo->mapToGlobal(local), QPoint(), QPoint(0, -120), Qt::NoButton, Qt::NoModifier,
            Qt::NoScrollPhase, false);
        QApplication::sendEvent(combo, &focused);
        QCOMPARE(combo->currentIndex(), index + 1);
    }

    void refusedOriginShowsStatusAndTrace()
    {
        // The allowlist is edited through the panel's own widgets, as a user would.
        addToList(child<ListEditor>(*m_panel, "allowedOrigins"), QStringLiteral("https://good.example"));
        QCOMPARE(m_server->policy().allowedOrigins, QList<QByteArray>({ "https://good.example" }));

        QWebSocket client;
        QSignalSpy disconnected(&client, &QWebSocket::disconnected);
        QNetworkRequest request(wsUrl(*m_server, QStringLiteral("/chat")));
        request.setRawHeader("Origin", "https://evil.example");
        client.open(request);

        ConnectionsModel* model = m_panel->connectionsModel();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(cell(*model, 0, ConnectionsModel::StatusColumn), QStringLiteral("403"), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!disconnected.isEmpty(), kTimeoutMs);
        QCOMPARE(client.state(), QAbstractSocket::UnconnectedState);

        // The newest connection is selected on its own; the detail pane explains the refusal.
        auto* table = child<QTableView>(*m_panel, "connectionsView");
        QCOMPARE(table->currentIndex().row(), 0);
        auto* trace = child<DecisionTraceView>(*m_panel, "traceView");
        QTRY_VERIFY_WITH_TIMEOUT(
            !traceLines(*trace).filter(QStringLiteral("https://evil.example")).isEmpty(), kTimeoutMs);
        const QString originStep = traceLines(*trace).filter(QStringLiteral("https://evil.example")).constFirst();
        QVERIFY2(originStep.startsWith(QStringLiteral("✗")), qPrintable(originStep));
        QVERIFY2(originStep.contains(QStringLiteral("403")), qPrintable(originStep));
        QVERIFY2(originStep.contains(QStringLiteral("RFC 6455 §10.2")), qPrintable(originStep));

        const QString received = child<RawHttpView>(*m_panel, "requestView")->toPlainText();
        QVERIFY2(received.startsWith(QStringLiteral("GET /chat HTTP/1.1\\r\\n\n")), qPrintable(received));
        QVERIFY2(received.contains(QStringLiteral("Origin: https://evil.example\\r\\n\n")), qPrintable(received));
        // Header lines are known as such (their tooltips explain them), as in the exchange view.
        QVERIFY(!child<RawHttpView>(*m_panel, "requestView")->headerAtLine(1).isEmpty());
        const QString sent = child<RawHttpView>(*m_panel, "responseView")->toPlainText();
        QVERIFY2(sent.startsWith(QStringLiteral("HTTP/1.1 403")), qPrintable(sent));
        QVERIFY(child<QLabel>(*m_panel, "detailLabel")->text().contains(QStringLiteral("403 Forbidden")));

        // The allowed origin gets through, and becomes the selected row.
        QWebSocket good;
        QSignalSpy connected(&good, &QWebSocket::connected);
        QNetworkRequest goodRequest(wsUrl(*m_server));
        goodRequest.setRawHeader("Origin", "https://good.example");
        good.open(goodRequest);
        QTRY_VERIFY_WITH_TIMEOUT(!connected.isEmpty(), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(cell(*model, 1, ConnectionsModel::StatusColumn), QStringLiteral("101"), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(cell(*model, 1, ConnectionsModel::StateColumn), QStringLiteral("open"), kTimeoutMs);
        QCOMPARE(table->currentIndex().row(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(
            child<RawHttpView>(*m_panel, "responseView")->toPlainText().startsWith(QStringLiteral("HTTP/1.1 101")),
            kTimeoutMs);

        // Selecting the old row shows its story again.
        table->setCurrentIndex(model->index(0, 0));
        QVERIFY(!traceLines(*trace).filter(QStringLiteral("https://evil.example")).isEmpty());
        good.close();
        QTRY_VERIFY_WITH_TIMEOUT(
            cell(*model, 1, ConnectionsModel::StateColumn).startsWith(QStringLiteral("closed")), kTimeoutMs);
        // The user looks at row 0: a change on row 1 must not pull the detail pane away.
        QVERIFY(!traceLines(*trace).filter(QStringLiteral("https://evil.example")).isEmpty());
    }

    void refusedOriginCanCloseWith1008()
    {
        addToList(child<ListEditor>(*m_panel, "allowedOrigins"), QStringLiteral("https://good.example"));
        child<QComboBox>(*m_panel, "originFailure")->setCurrentIndex(1);

        QWebSocket client;
        QSignalSpy disconnected(&client, &QWebSocket::disconnected);
        QNetworkRequest request(wsUrl(*m_server));
        request.setRawHeader("Origin", "https://evil.example");
        client.open(request);
        QTRY_VERIFY_WITH_TIMEOUT(!disconnected.isEmpty(), kTimeoutMs);
        QCOMPARE(int(client.closeCode()), 1008);

        ConnectionsModel* model = m_panel->connectionsModel();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, kTimeoutMs);
        QCOMPARE(cell(*model, 0, ConnectionsModel::StatusColumn), QStringLiteral("101"));
        QTRY_COMPARE_WITH_TIMEOUT(
            cell(*model, 0, ConnectionsModel::StateColumn), QStringLiteral("closed 1008"), kTimeoutMs);
    }

    // "JWT (HS256)" picked in the form: a signed token names the user in the connections list and the detail, the
    // connection gets its context as its first message, and it is closed 4001 when the token expires.
    void jwtUserIsShownWelcomedAndClosedOnExpiry()
    {
        QTableView* table = m_panel->findChild<QTableView*>();
        QVERIFY(table->isColumnHidden(ConnectionsModel::UserColumn)); // no authentication, no users to show
        QLineEdit* secret = child<QLineEdit>(*m_panel, "jwt.secret");
        secret->setFocus();
        QTest::keyClicks(secret, QStringLiteral("k3y"));
        QTest::keyClick(secret, Qt::Key_Return);
        child<QCheckBox>(*m_panel, "welcome")->setChecked(true);
        child<QCheckBox>(*m_panel, "closeOnExpiry")->setChecked(true);
        addToList(child<ListEditor>(*m_panel, "allowedOrigins"), QStringLiteral("https://app.example"));
        QTRY_COMPARE_WITH_TIMEOUT(m_server->policy().jwtSecret, QByteArray("k3y"), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(m_server->policy().welcome && m_server->policy().closeOnExpiry, kTimeoutMs);
        QVERIFY(!table->isColumnHidden(ConnectionsModel::UserColumn));

        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const JwtSignResult signedToken = signJwt(JwtAlgorithm::HS256,
            QJsonObject {
                { QStringLiteral("sub"), QStringLiteral("alice") }, { QStringLiteral("exp"), double(now + 2) } },
            "k3y");
        QVERIFY2(signedToken.ok(), qPrintable(signedToken.error));

        QWebSocket client;
        QSignalSpy texts(&client, &QWebSocket::textMessageReceived);
        QSignalSpy disconnected(&client, &QWebSocket::disconnected);
        QNetworkRequest request(wsUrl(*m_server));
        request.setRawHeader("Origin", "https://app.example");
        request.setRawHeader("Authorization", "Bearer " + signedToken.token);
        client.open(request);
        QTRY_COMPARE_WITH_TIMEOUT(texts.size(), 1, kTimeoutMs);
        QCOMPARE(texts.at(0).at(0).toString(), QStringLiteral(R"({"protocol":null,"user":"alice"})"));

        ConnectionsModel* model = m_panel->connectionsModel();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(cell(*model, 0, ConnectionsModel::UserColumn), QStringLiteral("alice"), kTimeoutMs);
        table->setCurrentIndex(model->index(0, 0));
        const QString detail = child<QLabel>(*m_panel, "detailLabel")->text();
        QVERIFY2(detail.contains(QStringLiteral("user alice (jwt from Authorization: Bearer")), qPrintable(detail));
        QVERIFY2(detail.contains(QStringLiteral("\"sub\":\"alice\"")), qPrintable(detail)); // the claims
        QVERIFY(!detail.contains(QString::fromLatin1(signedToken.token)));
        QTRY_VERIFY_WITH_TIMEOUT(!traceLines(*child<DecisionTraceView>(*m_panel, "traceView"))
                                      .filter(QStringLiteral("Scheduled: close 4001"))
                                      .isEmpty(),
            kTimeoutMs);

        // exp is in whole seconds: the close comes within about two.
        QTRY_VERIFY_WITH_TIMEOUT(!disconnected.isEmpty(), 4 * kTimeoutMs);
        QCOMPARE(int(client.closeCode()), 4001);
        QCOMPARE(client.closeReason(), QStringLiteral("token expired"));
        QTRY_COMPARE_WITH_TIMEOUT(
            cell(*model, 0, ConnectionsModel::StateColumn), QStringLiteral("closed 4001"), kTimeoutMs);
    }

    // The Preset menu replaces the policy with a ready-made one: "JWT (HS256)" accepts a token signed with k3y and
    // names its user; "Login page" loads the demo users file and links the page; Undo brings the last policy back.
    void presetsApplyWholePolicies()
    {
        auto* presets = child<QComboBox>(*m_panel, "presetCombo");
        const int jwt = presets->findText(QStringLiteral("JWT (HS256)"));
        const int login = presets->findText(QStringLiteral("Login page (alice / wonderland)"));
        QVERIFY(jwt > 0 && login > 0);
        const ServerPolicy before = m_server->policy();

        presets->activated(jwt);
        QCOMPARE(presets->currentIndex(), 0);
        QCOMPARE(m_server->policy().jwtSecret, QByteArray("k3y"));
        QCOMPARE(child<QLineEdit>(*m_panel, "jwt.secret")->text(), QStringLiteral("k3y"));
        const JwtSignResult signedToken = signJwt(JwtAlgorithm::HS256,
            QJsonObject { { QStringLiteral("sub"), QStringLiteral("alice") },
                { QStringLiteral("exp"), double(QDateTime::currentSecsSinceEpoch() + 600) } },
            "k3y");
        QWebSocket client;
        QSignalSpy texts(&client, &QWebSocket::textMessageReceived);
        QNetworkRequest request(wsUrl(*m_server));
        request.setRawHeader("Authorization", "Bearer " + signedToken.token);
        client.open(request);
        QTRY_COMPARE_WITH_TIMEOUT(texts.size(), 1, kTimeoutMs);
        QCOMPARE(texts.at(0).at(0).toString(), QStringLiteral(R"({"protocol":null,"user":"alice"})"));
        QTRY_COMPARE_WITH_TIMEOUT(
            cell(*m_panel->connectionsModel(), 0, ConnectionsModel::UserColumn), QStringLiteral("alice"), kTimeoutMs);

        presets->activated(login);
        QVERIFY(m_server->policy().login);
        QVERIFY(m_server->policy().jwtSecret.isEmpty()); // a preset is a whole policy
        QVERIFY(QFileInfo::exists(QString::fromUtf8(m_server->policy().usersFile)));
        QCOMPARE(m_server->policyFileProblems(), QStringList());
        const QString url = child<QLabel>(*m_panel, "urlLabel")->text();
        QVERIFY2(url.contains(QStringLiteral("login page: <a href=\"http://127.0.0.1:%1/\">").arg(m_server->port())),
            qPrintable(url));

        child<QToolButton>(*m_panel, "undoPolicyButton")->click();
        QCOMPARE(m_server->policy().jwtSecret, QByteArray("k3y"));
        QVERIFY(!child<QLabel>(*m_panel, "urlLabel")->text().contains(QStringLiteral("login page")));
        child<QToolButton>(*m_panel, "undoPolicyButton")->click();
        QVERIFY(samePolicy(m_server->policy(), before));
    }

    // --auth first-message: the upgrade is accepted for anyone, the first message is the credential (never echoed),
    // and a client that sends none or a wrong one is closed with 4001.
    void credentialAsTheFirstMessage()
    {
        ServerPolicy policy;
        policy.users = { "t-alice=alice" };
        policy.authTiming = AuthTiming::FirstMessage;
        policy.authTimeoutMs = 300;
        policy.welcome = true;
        m_server->setPolicy(policy);

        QWebSocket alice;
        QSignalSpy aliceTexts(&alice, &QWebSocket::textMessageReceived);
        QSignalSpy aliceConnected(&alice, &QWebSocket::connected);
        alice.open(wsUrl(*m_server));
        QTRY_VERIFY_WITH_TIMEOUT(!aliceConnected.isEmpty(), kTimeoutMs);
        alice.sendTextMessage(QStringLiteral(R"({"token":"t-alice"})"));
        alice.sendTextMessage(QStringLiteral("hi"));
        QTRY_COMPARE_WITH_TIMEOUT(aliceTexts.size(), 2, kTimeoutMs);
        QCOMPARE(aliceTexts.at(0).at(0).toString(), QStringLiteral(R"({"protocol":null,"user":"alice"})"));
        QCOMPARE(aliceTexts.at(1).at(0).toString(), QStringLiteral("hi")); // the credential itself was not echoed
        ConnectionsModel* model = m_panel->connectionsModel();
        QTRY_COMPARE_WITH_TIMEOUT(cell(*model, 0, ConnectionsModel::UserColumn), QStringLiteral("alice"), kTimeoutMs);
        const QList<DecisionStep>& steps = m_server->connections().constFirst()->transcript().handshake().decisionSteps;
        QVERIFY(std::any_of(steps.cbegin(), steps.cend(), [](const DecisionStep& step) {
            return step.text.startsWith(QStringLiteral("authentication after the handshake"));
        }));

        QWebSocket silent;
        QSignalSpy silentClosed(&silent, &QWebSocket::disconnected);
        silent.open(wsUrl(*m_server));
        QTRY_VERIFY_WITH_TIMEOUT(!silentClosed.isEmpty(), kTimeoutMs);
        QCOMPARE(int(silent.closeCode()), 4001);
        QCOMPARE(silent.closeReason(), QStringLiteral("authentication timeout"));

        QWebSocket wrong;
        QSignalSpy wrongConnected(&wrong, &QWebSocket::connected);
        QSignalSpy wrongTexts(&wrong, &QWebSocket::textMessageReceived);
        QSignalSpy wrongClosed(&wrong, &QWebSocket::disconnected);
        wrong.open(wsUrl(*m_server));
        QTRY_VERIFY_WITH_TIMEOUT(!wrongConnected.isEmpty(), kTimeoutMs);
        wrong.sendTextMessage(QStringLiteral("t-mallory"));
        QTRY_VERIFY_WITH_TIMEOUT(!wrongClosed.isEmpty(), kTimeoutMs);
        QCOMPARE(int(wrong.closeCode()), 4001);
        QCOMPARE(wrong.closeReason(), QStringLiteral("Unauthorized"));
        QVERIFY(wrongTexts.isEmpty());
    }

    void silentClientIsDroppedAfterTheTimeout()
    {
        child<QSpinBox>(*m_panel, "handshakeTimeoutMs")->setValue(200);
        QCOMPARE(m_server->policy().handshakeTimeoutMs, 200);

        QTcpSocket silent; // connects and never sends a request
        QSignalSpy gone(&silent, &QTcpSocket::disconnected);
        silent.connectToHost(QHostAddress::LocalHost, m_server->port());
        ConnectionsModel* model = m_panel->connectionsModel();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(cell(*model, 0, ConnectionsModel::StateColumn), QStringLiteral("closed"), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!gone.isEmpty(), kTimeoutMs);
        QCOMPARE(cell(*model, 0, ConnectionsModel::StatusColumn), QStringLiteral("…"));

        auto* trace = child<DecisionTraceView>(*m_panel, "traceView");
        QTRY_VERIFY_WITH_TIMEOUT(traceLines(*trace).size() >= 2, kTimeoutMs);
        const QStringList lines = traceLines(*trace);
        QVERIFY2(lines.constFirst().contains(QStringLiteral("ended before a complete request")),
            qPrintable(lines.join(u'|')));
        QVERIFY2(!lines.filter(QStringLiteral("⚠")).filter(QStringLiteral("200 ms")).isEmpty(),
            qPrintable(lines.join(u'|')));
        auto* requestView = child<RawHttpView>(*m_panel, "requestView");
        QCOMPARE(requestView->message(), QByteArray());
        QCOMPARE(requestView->toPlainText(), QString());
        QCOMPARE(requestView->placeholderText(), QStringLiteral("(nothing received yet)"));
    }

    void clearedConnectionsStayCleared()
    {
        QWebSocket first;
        QSignalSpy connected(&first, &QWebSocket::connected);
        first.open(wsUrl(*m_server));
        QTRY_VERIFY_WITH_TIMEOUT(!connected.isEmpty(), kTimeoutMs);
        ConnectionsModel* model = m_panel->connectionsModel();
        QTRY_COMPARE_WITH_TIMEOUT(cell(*model, 0, ConnectionsModel::StateColumn), QStringLiteral("open"), kTimeoutMs);

        QTest::mouseClick(child<QToolButton>(*m_panel, "clearButton"), Qt::LeftButton);
        QCOMPARE(model->rowCount(), 0);
        QCOMPARE(child<RawHttpView>(*m_panel, "requestView")->toPlainText(), QString());

        // The cleared connection closing later must not bring its row back; a new one appears.
        QSignalSpy closed(m_server.get(), &EchoServer::connectionClosed);
        first.close();
        QTRY_VERIFY_WITH_TIMEOUT(!closed.isEmpty(), kTimeoutMs);
        QWebSocket second;
        QSignalSpy secondConnected(&second, &QWebSocket::connected);
        second.open(wsUrl(*m_server));
        QTRY_VERIFY_WITH_TIMEOUT(!secondConnected.isEmpty(), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, kTimeoutMs);
        QCOMPARE(cell(*model, 0, ConnectionsModel::StateColumn), QStringLiteral("open"));
        QCOMPARE(cell(*model, 0, ConnectionsModel::IdColumn), QStringLiteral("2"));
    }

    void stopAndStartPublishTheUrl()
    {
        QSignalSpy urls(m_panel.get(), &ServerPanel::serverUrlChanged);
        auto* startStop = child<QPushButton>(*m_panel, "startStopButton");
        QCOMPARE(startStop->text(), QStringLiteral("Stop"));

        QTest::mouseClick(startStop, Qt::LeftButton);
        QVERIFY(!m_server->isListening());
        QCOMPARE(urls.count(), 1);
        QCOMPARE(urls.at(0).at(0).toUrl(), QUrl());
        QCOMPARE(startStop->text(), QStringLiteral("Start"));
        QCOMPARE(child<QLabel>(*m_panel, "urlLabel")->text(), QStringLiteral("Stopped"));

        child<QSpinBox>(*m_panel, "portSpin")->setValue(0);
        QTest::mouseClick(startStop, Qt::LeftButton);
        QVERIFY(m_server->isListening());
        QCOMPARE(urls.count(), 2);
        const QUrl url = urls.at(1).at(0).toUrl();
        QCOMPARE(url, m_server->url());
        QCOMPARE(url.scheme(), QStringLiteral("ws"));
        QCOMPARE(url.host(), QStringLiteral("127.0.0.1"));
        QVERIFY(url.port() > 0);
        QVERIFY(child<QLabel>(*m_panel, "urlLabel")->text().contains(url.toString()));
        QVERIFY(!child<QLabel>(*m_panel, "warningLabel")->isVisible());

        // The new port really serves.
        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        client.open(url);
        QTRY_VERIFY_WITH_TIMEOUT(!connected.isEmpty(), kTimeoutMs);
    }

    void portInUseIsSaidInWords()
    {
        QTcpServer squatter;
        QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
        QSignalSpy status(m_panel.get(), &ServerPanel::statusMessage);
        QSignalSpy urls(m_panel.get(), &ServerPanel::serverUrlChanged);

        auto* startStop = child<QPushButton>(*m_panel, "startStopButton");
        QTest::mouseClick(startStop, Qt::LeftButton); // stop
        child<QSpinBox>(*m_panel, "portSpin")->setValue(squatter.serverPort());
        QTest::mouseClick(startStop, Qt::LeftButton); // start: fails
        QVERIFY(!m_server->isListening());
        auto* error = child<QLabel>(*m_panel, "errorLabel");
        QVERIFY(error->isVisible());
        QVERIFY2(
            error->text().startsWith(QStringLiteral("Could not listen on 127.0.0.1:%1").arg(squatter.serverPort())),
            qPrintable(error->text()));
        QCOMPARE(status.constLast().at(0).toString(), error->text());
        QCOMPARE(startStop->text(), QStringLiteral("Start"));
        QCOMPARE(urls.count(), 1); // only the stop

        child<QSpinBox>(*m_panel, "portSpin")->setValue(0);
        QTest::mouseClick(startStop, Qt::LeftButton);
        QVERIFY(m_server->isListening());
        QVERIFY(!error->isVisible());
    }

    void nonLoopbackAddressWarns()
    {
        auto* address = child<QComboBox>(*m_panel, "addressCombo");
        auto* warning = child<QLabel>(*m_panel, "warningLabel");
        QVERIFY(!warning->isVisible());
        QTest::mouseClick(child<QPushButton>(*m_panel, "startStopButton"), Qt::LeftButton); // stop
        address->setCurrentText(QStringLiteral("0.0.0.0"));
        QVERIFY(warning->isVisible());
        QVERIFY(warning->text().contains(QStringLiteral("not loopback")));
        address->setCurrentText(QStringLiteral("::1"));
        QVERIFY(!warning->isVisible());
        address->setCurrentText(QStringLiteral("not-an-address"));
        QVERIFY(!m_panel->startServer());
        QVERIFY(child<QLabel>(*m_panel, "errorLabel")->text().contains(QStringLiteral("not an IP address")));
    }

    void tlsToggleRestartsAsWss()
    {
        QSignalSpy urls(m_panel.get(), &ServerPanel::serverUrlChanged);
        const quint16 port = m_server->port();
        child<QCheckBox>(*m_panel, "tlsCheck")->setChecked(true);
        QVERIFY(m_server->isListening());
        QVERIFY(m_server->isTls());
        QCOMPARE(urls.count(), 1); // one restart, one URL: not "stopped" then "started"
        const QUrl url = urls.at(0).at(0).toUrl();
        QCOMPARE(url.scheme(), QStringLiteral("wss"));
        QCOMPARE(url.port(), int(port)); // "any free" port kept the same number across the restart
        auto* fingerprint = child<QLabel>(*m_panel, "fingerprintLabel");
        QVERIFY(fingerprint->isVisible());
        QVERIFY(fingerprint->text().contains(m_server->tlsIdentity()->fingerprintSha256()));

        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        connect(&client, &QWebSocket::sslErrors, &client, [&client](const QList<QSslError>&) {
            client.ignoreSslErrors(); // self-signed on purpose
        });
        client.open(url);
        QTRY_VERIFY_WITH_TIMEOUT(!connected.isEmpty(), kTimeoutMs);

        // And back to plain ws://.
        child<QCheckBox>(*m_panel, "tlsCheck")->setChecked(false);
        QVERIFY(m_server->isListening());
        QCOMPARE(urls.count(), 2);
        QCOMPARE(urls.at(1).at(0).toUrl().scheme(), QStringLiteral("ws"));
        QVERIFY(!m_server->isTls());
        QVERIFY(!fingerprint->isVisible());
    }

    void survivesResizingAndScrollsWhenShort()
    {
        m_panel->resize(340, 360);
        auto* scroll = child<QScrollArea>(*m_panel, "settingsScroll");
        QTRY_VERIFY_WITH_TIMEOUT(scroll->verticalScrollBar()->maximum() > 0, kTimeoutMs);
        // Never sideways: the form fits the dock's width.
        QCOMPARE(scroll->horizontalScrollBar()->maximum(), 0);
        m_panel->resize(900, 1400);
        QTRY_VERIFY_WITH_TIMEOUT(child<QTableView>(*m_panel, "connectionsView")->height() > 100, kTimeoutMs);
    }

    // The panel shows the request and response in the exchange's RawHttpView: the same escaping.
    void rawBytesAreShownEscaped_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("shown");
        QTest::newRow("CRLF lines") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
                                    << QStringLiteral("GET / HTTP/1.1\\r\\n\nHost: a\\r\\n\n\\r\\n");
        QTest::newRow("bare LF is visible") << QByteArray("A\nB") << QStringLiteral("A\\n\nB");
        QTest::newRow("bare CR is visible") << QByteArray("A\rB") << QStringLiteral("A\\rB");
        QTest::newRow("control byte") << QByteArray("A\x01"
                                                    "B",
            3) << QStringLiteral("A\\x01B");
        QTest::newRow("NUL byte") << QByteArray("A\0B", 3) << QStringLiteral("A\\x00B");
        QTest::newRow("valid UTF-8 stays text")
            << QByteArray("Origin: https://bücher.example") << QStringLiteral("Origin: https://bücher.example");
        QTest::newRow("invalid UTF-8 as bytes") << QByteArray("X: \xff\xfe") << QStringLiteral("X: \\xff\\xfe");
        QTest::newRow("empty") << QByteArray() << QString();
    }

    void rawBytesAreShownEscaped()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, shown);
        QCOMPARE(RawHttpView::visibleText(bytes), shown);
    }

    void connectionRowMenuCopiesPeerAndRecord()
    {
        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        client.open(wsUrl(*m_server));
        QTRY_VERIFY_WITH_TIMEOUT(!connected.isEmpty(), kTimeoutMs);
        ConnectionsModel* model = m_panel->connectionsModel();
        QTRY_COMPARE_WITH_TIMEOUT(cell(*model, 0, ConnectionsModel::StateColumn), QStringLiteral("open"), kTimeoutMs);
        client.close(QWebSocketProtocol::CloseCode(4000), QStringLiteral("bye"));
        QTRY_VERIFY_WITH_TIMEOUT(
            cell(*model, 0, ConnectionsModel::StateColumn).startsWith(QLatin1String("closed")), kTimeoutMs);
        ServerConnection* connection = m_server->connections().first();
        QTRY_VERIFY_WITH_TIMEOUT(connection->phase() == ServerConnection::Phase::Closed, kTimeoutMs);

        std::unique_ptr<QMenu> menu(m_panel->connectionMenu(0));
        auto* copyPeer = menu->findChild<QAction*>(QStringLiteral("copyPeer"));
        auto* copyJson = menu->findChild<QAction*>(QStringLiteral("copyJson"));
        QVERIFY(copyPeer && copyJson);
        QSignalSpy status(m_panel.get(), &ServerPanel::statusMessage);
        copyPeer->trigger();
        QCOMPARE(QGuiApplication::clipboard()->text(), connection->peer());
        QVERIFY(QGuiApplication::clipboard()->text().startsWith(QLatin1String("127.0.0.1:")));
        QCOMPARE(status.count(), 1);

        copyJson->trigger();
        const QStringList lines = QGuiApplication::clipboard()->text().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        // The objects `serve --json` prints, from the one serializer.
        const EventSerializer events(EventOptions { EventDialect::Serve, NoPayload, connection->id() });
        QByteArray handshake;
        events.handshake(handshake, connection->transcript().handshake(), connection->peer());
        QCOMPARE(lines.at(0).toUtf8(), handshake);
        const QJsonObject close = QJsonDocument::fromJson(lines.at(1).toUtf8()).object();
        QCOMPARE(close.value(QLatin1String("event")).toString(), QStringLiteral("close"));
        QCOMPARE(close.value(QLatin1String("conn")).toInt(), connection->id());
        QCOMPARE(close.value(QLatin1String("receivedCode")).toInt(), 4000);
        // The same byte split as serve's close event: handshake + frames = what the TCP connection carried.
        QCOMPARE(close.value(QLatin1String("handshakeBytesIn")).toInteger()
                + close.value(QLatin1String("frameBytesIn")).toInteger(),
            close.value(QLatin1String("bytesIn")).toInteger());
        QVERIFY(close.value(QLatin1String("frameBytesOut")).toInteger() > 0);
        QCOMPARE(QJsonDocument::fromJson(lines.at(0).toUtf8()).object().value(QLatin1String("status")).toInt(), 101);

        std::unique_ptr<QMenu> none(m_panel->connectionMenu(5));
        QCOMPARE(none->actions().size(), 1);
        QVERIFY(!none->actions().first()->isEnabled());
    }

private:
    std::unique_ptr<EchoServer> m_server;
    std::unique_ptr<ServerPanel> m_panel;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_MAIN(TestServerPanel)
#include "tst_serverpanel.moc"
