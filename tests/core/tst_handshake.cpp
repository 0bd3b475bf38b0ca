// Key and accept arithmetic against the RFC 6455 vectors, and the token lists of handshake fields.

#include "core/handshake.h"

#include <QRandomGenerator>
#include <QTest>

using namespace wsi;

class TestHandshake : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rfcVector();
    void acceptIsComputedOnTheKeyAsSent_data();
    void acceptIsComputedOnTheKeyAsSent();
    void makeKey();
    void isValidKey_data();
    void isValidKey();
    void tokenList_data();
    void tokenList();
    void headerHasToken_data();
    void headerHasToken();
    void arbitraryBytesNeverCrash();
};

void TestHandshake::rfcVector()
{
    // RFC 6455 §1.3 and §4.2.2: the sample key, its SHA-1 bytes and the resulting accept value.
    QCOMPARE(computeAccept("dGhlIHNhbXBsZSBub25jZQ=="), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    const AcceptSteps steps = explainAccept("dGhlIHNhbXBsZSBub25jZQ==");
    QCOMPARE(steps.key, QByteArray("dGhlIHNhbXBsZSBub25jZQ=="));
    QCOMPARE(steps.concatenated, QByteArray("dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
    QCOMPARE(steps.sha1Hex, QByteArray("b37a4f2cc0624f1690f64606cf385945b2bec4ea"));
    QCOMPARE(steps.accept, QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    QCOMPARE(kWebSocketGuid, QByteArrayView("258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
}

void TestHandshake::acceptIsComputedOnTheKeyAsSent_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("accept");

    // Expected values computed independently: printf '%s258EAFA5-...' KEY | sha1sum | xxd -r -p | base64
    QTest::newRow("all-zero key") << QByteArray("AAAAAAAAAAAAAAAAAAAAAA==")
                                  << QByteArray("ICX+Yqv66kxgM0FcWaLWlFLwTAI=");
    QTest::newRow("empty key is hashed as is") << QByteArray("") << QByteArray("Kfh9QIsMVZcl6xEPYxPHzW8SZ8w=");
}

void TestHandshake::acceptIsComputedOnTheKeyAsSent()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, accept);
    QCOMPARE(computeAccept(key), accept);
}

void TestHandshake::makeKey()
{
    QCOMPARE(wsi::makeKey("the sample nonce"), QByteArray("dGhlIHNhbXBsZSBub25jZQ=="));
    QCOMPARE(wsi::makeKey(QByteArray(16, '\0')), QByteArray("AAAAAAAAAAAAAAAAAAAAAA=="));
    QVERIFY(wsi::isValidKey(wsi::makeKey(QByteArray::fromHex("ffeeddccbbaa99887766554433221100"))));
}

void TestHandshake::isValidKey_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<bool>("valid");

    QTest::newRow("RFC sample key") << QByteArray("dGhlIHNhbXBsZSBub25jZQ==") << true;
    QTest::newRow("plus and slash") << QByteArray("+/+/+/+/+/+/+/+/+/+/+w==") << true;
    QTest::newRow("decodes to 15 bytes") << QByteArray("dGhlIHNhbXBsZSBub25j") << false;
    QTest::newRow("decodes to 17 bytes") << QByteArray("dGhlIHNhbXBsZSBub25jZSE=") << false;
    QTest::newRow("missing padding") << QByteArray("dGhlIHNhbXBsZSBub25jZQ") << false;
    QTest::newRow("URL-safe alphabet") << QByteArray("dGhlIHNhbXBsZSBub25j_-==") << false;
    QTest::newRow("space inside") << QByteArray("dGhlIHNhbXBsZSB ub25jZQ==") << false;
    QTest::newRow("padding in the middle") << QByteArray("dGhlIHNhbXBs=SBub25jZQ==") << false;
    QTest::newRow("empty") << QByteArray() << false;
}

void TestHandshake::isValidKey()
{
    QFETCH(QByteArray, key);
    QFETCH(bool, valid);
    QCOMPARE(wsi::isValidKey(key), valid);
}

void TestHandshake::tokenList_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QList<QByteArray>>("tokens");
    QTest::addColumn<qsizetype>("errorOffset");

    QTest::newRow("single token") << QByteArray("chat") << QList<QByteArray> { "chat" } << qsizetype(-1);
    QTest::newRow("two tokens with whitespace")
        << QByteArray(" chat ,\tsuperchat ") << QList<QByteArray> { "chat", "superchat" } << qsizetype(-1);
    QTest::newRow("empty elements are skipped")
        << QByteArray(",chat,, ,v2.json,") << QList<QByteArray> { "chat", "v2.json" } << qsizetype(-1);
    QTest::newRow("space inside an element") << QByteArray("chat room") << QList<QByteArray> { "chat" } << qsizetype(5);
    QTest::newRow("slash is not a token character")
        << QByteArray("a, b/c") << QList<QByteArray> { "a", "b" } << qsizetype(4);
    QTest::newRow("quoted string is not a token") << QByteArray("\"chat\"") << QList<QByteArray> {} << qsizetype(0);
    QTest::newRow("empty value") << QByteArray("") << QList<QByteArray> {} << qsizetype(0);
    QTest::newRow("only commas and spaces") << QByteArray(" , ,") << QList<QByteArray> {} << qsizetype(0);
}

void TestHandshake::tokenList()
{
    QFETCH(QByteArray, value);
    QFETCH(QList<QByteArray>, tokens);
    QFETCH(qsizetype, errorOffset);

    const TokenList list = parseTokenList(value);
    QCOMPARE(list.errorOffset, errorOffset);
    QCOMPARE(list.ok(), errorOffset < 0);
    QCOMPARE(list.error.isEmpty(), errorOffset < 0);
    if (list.ok())
        QCOMPARE(list.tokens, tokens);
}

void TestHandshake::headerHasToken_data()
{
    QTest::addColumn<QList<QByteArray>>("connectionValues");
    QTest::addColumn<bool>("hasUpgrade");

    QTest::newRow("exactly Upgrade") << QList<QByteArray> { "Upgrade" } << true;
    QTest::newRow("keep-alive, Upgrade") << QList<QByteArray> { "keep-alive, Upgrade" } << true;
    QTest::newRow("lower case") << QList<QByteArray> { "upgrade" } << true;
    QTest::newRow("in a second field") << QList<QByteArray> { "keep-alive", "Upgrade" } << true;
    QTest::newRow("substring is not the token") << QList<QByteArray> { "Upgraded, keep-alive" } << false;
    QTest::newRow("space-separated is not a list") << QList<QByteArray> { "keep-alive Upgrade" } << false;
    QTest::newRow("absent") << QList<QByteArray> {} << false;
}

void TestHandshake::headerHasToken()
{
    QFETCH(QList<QByteArray>, connectionValues);
    QFETCH(bool, hasUpgrade);

    HeaderList headers;
    headers.append("Upgrade", "websocket");
    for (const QByteArray& value : connectionValues)
        headers.append("connection", value);
    QCOMPARE(wsi::headerHasToken(headers, "Connection", "Upgrade"), hasUpgrade);
}

void TestHandshake::arbitraryBytesNeverCrash()
{
    QRandomGenerator random(7);
    const char alphabetBytes[] = " ,\t\"abc/=+\x00\xff";
    const QByteArray alphabet(alphabetBytes, sizeof alphabetBytes - 1);
    for (int i = 0; i < 3000; ++i) {
        QByteArray bytes(random.bounded(0, 60), Qt::Uninitialized);
        for (char& c : bytes)
            c = random.bounded(3) == 0 ? char(random.bounded(256)) : alphabet[random.bounded(alphabet.size())];
        const TokenList list = parseTokenList(bytes);
        QVERIFY(list.ok() || (list.errorOffset >= 0 && list.errorOffset <= bytes.size()));
        QCOMPARE(computeAccept(bytes).size(), 28);
        if (wsi::isValidKey(bytes))
            QCOMPARE(QByteArray::fromBase64(bytes).size(), 16);
    }
}

QTEST_GUILESS_MAIN(TestHandshake)
#include "tst_handshake.moc"
