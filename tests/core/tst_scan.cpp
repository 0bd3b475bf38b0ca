// The scan's matrix and its judgement, on hand-made rows: what a server did with each variation decides the
// verdicts, and each verdict says why.

#include "core/scan.h"

#include <QSet>
#include <QTest>
#include <functional>

using namespace wsi;

namespace
{

ScanSubject cookieSubject()
{
    ScanSubject subject;
    subject.url = QStringLiteral("ws://app.example:8080/chat");
    subject.cookie = "session=s3cr3t";
    return subject;
}

// Every variation answered the way `answer` says, by name.
QList<ScanRow> answered(const ScanSubject& subject, const std::function<int(const ScanVariation&)>& status,
    const std::function<std::optional<quint16>(const ScanVariation&)>& closeCode = {})
{
    QList<ScanRow> rows;
    for (const ScanVariation& v : scanVariations(subject)) {
        ScanRow row;
        row.variation = v;
        row.status = status(v);
        row.closeCode = closeCode ? closeCode(v) : std::nullopt;
        row.open = row.status == 101 && !row.closeCode;
        rows.append(row);
    }
    return rows;
}

std::optional<Finding> findingById(const QList<Finding>& findings, const QString& id)
{
    for (const Finding& f : findings) {
        if (f.id == id)
            return f;
    }
    return std::nullopt;
}

bool anyFail(const QList<Finding>& findings)
{
    return std::any_of(
        findings.begin(), findings.end(), [](const Finding& f) { return f.severity == Severity::Error; });
}

} // namespace

class TestScan : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void matrixCoversTheOriginsAndStaysSmall()
    {
        const QList<ScanVariation> list = scanVariations(cookieSubject());
        QVERIFY(list.size() <= 40);
        QSet<QString> names;
        QSet<QByteArray> origins;
        for (const ScanVariation& v : list) {
            QVERIFY2(!names.contains(v.name), qPrintable(v.name));
            names.insert(v.name);
            if (v.origin)
                origins.insert(*v.origin);
            const BuiltRequest built = buildRequest(v.spec, QByteArray(16, 'k'));
            QVERIFY2(built.ok(), qPrintable(v.name + ": " + built.error));
            QCOMPARE(built.request.headers.value("Cookie") == "session=s3cr3t", v.credentials);
            QCOMPARE(built.request.headers.contains("Origin"), v.origin.has_value());
        }
        const QSet<QByteArray> expected { "http://app.example:8080", "https://evil.example", "null",
            "http://app.example.evil.test", "https://evil-app.example", "https://app.example:8080",
            "http://app.example:8081" };
        QCOMPARE(origins, expected);
        for (const char* name : { "origin absent", "origin foreign + credentials", "protocol unknown", "version 8",
                 "version 14", "key malformed", "deflate server_no_context_takeover", "header 20 KiB" })
            QVERIFY2(names.contains(QLatin1String(name)), name);
    }

    void legitOriginIsTheUrlsOwn()
    {
        QCOMPARE(scanLegitOrigin(QUrl(QStringLiteral("wss://app.example/x"))), QByteArray("https://app.example"));
        QCOMPARE(scanLegitOrigin(QUrl(QStringLiteral("ws://127.0.0.1:9001/"))), QByteArray("http://127.0.0.1:9001"));
    }

    void foreignOriginWithCookieAcceptedFails()
    {
        const ScanSubject subject = cookieSubject();
        // No origin check, cookie authentication: every credentialed request is upgraded, the rest refused.
        const auto rows = answered(subject, [](const ScanVariation& v) { return v.credentials ? 101 : 401; });
        const QList<Finding> findings = judgeScan(rows, subject);
        const auto cswsh = findingById(findings, QStringLiteral("cswsh"));
        QVERIFY(cswsh);
        QCOMPARE(cswsh->severity, Severity::Error);
        QVERIFY(cswsh->message.contains(QLatin1String("origin foreign + credentials")));
        QVERIFY(cswsh->rfc.contains(QStringLiteral("RFC 6455 §10.2")));
        const auto absent = findingById(findings, QStringLiteral("origin.absent"));
        QVERIFY(absent);
        QCOMPARE(absent->severity, Severity::Warning);
        QVERIFY(findingById(findings, QStringLiteral("credentials.required"))
                    ->message.contains(QLatin1String("refused without the credentials")));
    }

    void policyCloseRightAfterTheUpgradeIsARefusal()
    {
        const ScanSubject subject = cookieSubject();
        const QByteArray legit = scanLegitOrigin(QUrl(subject.url));
        // Upgraded, then closed at once with 1008 (or 4001) unless the origin is the legitimate one.
        const auto rows = answered(
            subject, [](const ScanVariation&) { return 101; },
            [&legit](const ScanVariation& v) -> std::optional<quint16> {
                if (v.origin == legit)
                    return std::nullopt;
                return v.origin && v.origin->contains("evil") ? 4001 : 1008;
            });
        const QList<Finding> findings = judgeScan(rows, subject);
        QVERIFY(!anyFail(findings));
        QVERIFY(!findingById(findings, QStringLiteral("cswsh")));
        QVERIFY(!findingById(findings, QStringLiteral("origin.absent")));
    }

    void allowlistPasses()
    {
        const ScanSubject subject = cookieSubject();
        const QByteArray legit = scanLegitOrigin(QUrl(subject.url));
        const auto rows = answered(subject, [&legit](const ScanVariation& v) {
            if (v.origin != legit)
                return 403;
            return v.credentials ? 101 : 401;
        });
        const QList<Finding> findings = judgeScan(rows, subject);
        QVERIFY(!anyFail(findings));
        QVERIFY(!findingById(findings, QStringLiteral("cswsh")));
        QVERIFY(!findingById(findings, QStringLiteral("origin.absent")));
    }

    void givenOriginIsTheLegitimateOne()
    {
        // A server behind a proxy: reached at a loopback address, serving pages of https://app.example.
        ScanSubject subject = cookieSubject();
        subject.url = QStringLiteral("ws://127.0.0.1:9001/");
        subject.origin = "https://app.example";
        const auto rows = answered(subject, [](const ScanVariation& v) {
            return v.origin == QByteArray("https://app.example") && v.credentials ? 101 : 403;
        });
        const QList<Finding> findings = judgeScan(rows, subject);
        QVERIFY(!anyFail(findings));
        QVERIFY(!findingById(findings, QStringLiteral("cswsh")));
        bool lookAlike = false;
        for (const ScanVariation& v : scanVariations(subject))
            lookAlike = lookAlike || v.origin == QByteArray("https://app.example.evil.test");
        QVERIFY(lookAlike);
    }

    void sameSiteOtherPortIsAWarning()
    {
        const ScanSubject subject = cookieSubject();
        const auto rows = answered(subject, [](const ScanVariation& v) {
            const bool sameSite = v.origin && v.origin->startsWith("http") && v.origin->contains("//app.example:");
            return v.credentials && sameSite ? 101 : 403;
        });
        const auto cswsh = findingById(judgeScan(rows, subject), QStringLiteral("cswsh"));
        QVERIFY(cswsh);
        QCOMPARE(cswsh->severity, Severity::Warning);
        QVERIFY(cswsh->message.contains(QLatin1String("origin other port + credentials")));
    }

    void withoutCredentialsAnyOriginIsOnlyAWarning()
    {
        ScanSubject subject;
        subject.url = QStringLiteral("ws://127.0.0.1:9001/");
        const auto rows = answered(subject, [](const ScanVariation&) { return 101; });
        const QList<Finding> findings = judgeScan(rows, subject);
        QVERIFY(!anyFail(findings));
        QCOMPARE(findingById(findings, QStringLiteral("cswsh"))->severity, Severity::Warning);
    }

    void versionsExtensionsAndKeyAreReported()
    {
        const ScanSubject subject = cookieSubject();
        auto rows = answered(subject, [](const ScanVariation& v) {
            if (v.aspect == ScanAspect::Version)
                return v.spec.version == "13" ? 101 : 426;
            return v.credentials ? 101 : 401;
        });
        for (ScanRow& row : rows) {
            if (row.variation.aspect == ScanAspect::Deflate)
                row.extensions = "permessage-deflate";
            if (row.variation.name == QLatin1String("protocol unknown"))
                row.protocol = "chat";
        }
        const QList<Finding> findings = judgeScan(rows, subject);
        const auto version = findingById(findings, QStringLiteral("version"));
        QVERIFY(version);
        QCOMPARE(version->severity, Severity::Info);
        QVERIFY(version->message.contains(QLatin1String("version 8: 426")));
        QVERIFY(version->rfc.contains(QStringLiteral("§4.4")));
        const auto extensions = findingById(findings, QStringLiteral("extensions"));
        QVERIFY(extensions);
        QVERIFY(extensions->message.contains(QLatin1String("\"permessage-deflate\"")));
        const auto key = findingById(findings, QStringLiteral("key"));
        QVERIFY(key);
        QCOMPARE(key->severity, Severity::Warning);
        bool unofferedProtocol = false;
        for (const Finding& f : findings)
            unofferedProtocol
                = unofferedProtocol || (f.id == QLatin1String("protocol") && f.severity == Severity::Warning);
        QVERIFY(unofferedProtocol);
    }
};

QTEST_APPLESS_MAIN(TestScan)
#include "tst_scan.moc"
