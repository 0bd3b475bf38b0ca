// HTTP head parsing and framing: valid heads, each malformation with the offset it is reported
// at, limits that must fail early, byte-by-byte feeding, and arbitrary bytes.

#include "core/http.h"

#include <QRandomGenerator>
#include <QTest>

using namespace wsi;

namespace
{

const QByteArray kRequest = "GET /chat HTTP/1.1\r\n"
                            "Host: server.example.com\r\n"
                            "Upgrade: websocket\r\n"
                            "Connection: Upgrade\r\n"
                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            "Sec-WebSocket-Version: 13\r\n"
                            "\r\n";

const QByteArray kResponse = "HTTP/1.1 101 Switching Protocols\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                             "\r\n";

QByteArray repeated(QByteArrayView line, int times)
{
    QByteArray out;
    for (int i = 0; i < times; ++i)
        out += line;
    return out;
}

} // namespace

class TestHttp : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void headerListLookups();
    void headerListSetAndRemove();

    void parseValidRequest_data();
    void parseValidRequest();
    void malformedRequest_data();
    void malformedRequest();
    void requestLimits_data();
    void requestLimits();
    void requestFedByteByByte();

    void parseValidResponse_data();
    void parseValidResponse();
    void malformedResponse_data();
    void malformedResponse();
    void responseFedByteByByte();

    void serialize();
    void bodyFraming_data();
    void bodyFraming();
    void chunked_data();
    void chunked();
    void chunkedFedByteByByte();

    void arbitraryBytesNeverCrash();
};

void TestHttp::headerListLookups()
{
    HeaderList headers;
    headers.append("Sec-WebSocket-Protocol", "chat");
    headers.append("Host", "a");
    headers.append("sec-websocket-protocol", "superchat");
    headers.append("X-Empty", "");
    QCOMPARE(headers.size(), 4);
    QVERIFY(headers.contains("SEC-WEBSOCKET-PROTOCOL"));
    QCOMPARE(headers.count("Sec-WebSocket-Protocol"), 2);
    QCOMPARE(headers.values("sec-websocket-PROTOCOL"), (QList<QByteArray> { "chat", "superchat" }));
    QCOMPARE(headers.value("Sec-WebSocket-Protocol"), QByteArray("chat"));
    QCOMPARE(headers.combined("Sec-WebSocket-Protocol"), QByteArray("chat, superchat"));
    QVERIFY(headers.value("Missing").isNull());
    QVERIFY(headers.combined("Missing").isNull());
    QVERIFY(!headers.value("X-Empty").isNull());
    QVERIFY(!headers.combined("X-Empty").isNull());
    QCOMPARE(headers.fields().at(2).name, QByteArray("sec-websocket-protocol"));
}

void TestHttp::headerListSetAndRemove()
{
    HeaderList headers;
    headers.append("A", "1");
    headers.append("B", "2");
    headers.append("a", "3");
    headers.set("A", "4");
    QCOMPARE(headers.size(), 2);
    QCOMPARE(headers.fields().at(0).value, QByteArray("4"));
    QCOMPARE(headers.fields().at(1).name, QByteArray("B"));
    headers.set("C", "5");
    QCOMPARE(headers.fields().back().name, QByteArray("C"));
    headers.append("b", "6");
    headers.removeAll("B");
    QCOMPARE(headers.size(), 2);
    QVERIFY(!headers.contains("b"));
    QVERIFY(!headers.isEmpty());
}

void TestHttp::parseValidRequest_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("fieldCount");
    QTest::addColumn<QByteArray>("hostValue");

    QTest::newRow("RFC 6455 sample request")
        << kRequest << QByteArray("GET") << QByteArray("/chat") << 5 << QByteArray("server.example.com");
    QTest::newRow("no fields at all") << QByteArray("GET / HTTP/1.1\r\n\r\n") << QByteArray("GET") << QByteArray("/")
                                      << 0 << QByteArray();
    QTest::newRow("whitespace around value is trimmed")
        << QByteArray("GET /x?y=1 HTTP/1.0\r\nHost: \t a b \t\r\n\r\n") << QByteArray("GET") << QByteArray("/x?y=1")
        << 1 << QByteArray("a b");
    QTest::newRow("empty value kept") << QByteArray("POST * HTTP/1.1\r\nHost:\r\n\r\n") << QByteArray("POST")
                                      << QByteArray("*") << 1 << QByteArray("");
    QTest::newRow("obs-text bytes in value") << QByteArray("GET / HTTP/1.1\r\nHost: caf\xc3\xa9\r\n\r\n")
                                             << QByteArray("GET") << QByteArray("/") << 1 << QByteArray("caf\xc3\xa9");
}

void TestHttp::parseValidRequest()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(int, fieldCount);
    QFETCH(QByteArray, hostValue);

    const auto parsed = parseRequestHead(bytes + "trailing frame bytes");
    QCOMPARE(parsed.state, HeadState::Complete);
    QCOMPARE(parsed.headBytes, bytes.size());
    QCOMPARE(parsed.value.method, method);
    QCOMPARE(parsed.value.target, target);
    QCOMPARE(parsed.value.headers.size(), fieldCount);
    QCOMPARE(parsed.value.headers.value("host"), hostValue);
    QCOMPARE(parsed.value.headers.value("host").isNull(), hostValue.isNull());
}

void TestHttp::malformedRequest_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<qsizetype>("offset");

    // Offsets count from the first byte of the head; "GET / HTTP/1.1\r\n" is 16 bytes.
    QTest::newRow("bare LF ends the request line") << QByteArray("GET / HTTP/1.1\nHost: a\r\n\r\n") << qsizetype(14);
    QTest::newRow("bare LF ends a field line") << QByteArray("GET / HTTP/1.1\r\nHost: a\n\r\n") << qsizetype(23);
    QTest::newRow("whitespace before the colon") << QByteArray("GET / HTTP/1.1\r\nHost : a\r\n\r\n") << qsizetype(20);
    QTest::newRow("obs-fold continuation line")
        << QByteArray("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n") << qsizetype(25);
    QTest::newRow("field line without a colon") << QByteArray("GET / HTTP/1.1\r\nHost\r\n\r\n") << qsizetype(20);
    QTest::newRow("empty field name") << QByteArray("GET / HTTP/1.1\r\n: a\r\n\r\n") << qsizetype(16);
    QTest::newRow("separator in field name") << QByteArray("GET / HTTP/1.1\r\nX(y: a\r\n\r\n") << qsizetype(17);
    QTest::newRow("NUL inside a value") << QByteArray("GET / HTTP/1.1\r\nX: a\0b\r\n\r\n", 27) << qsizetype(20);
    QTest::newRow("CR inside a value") << QByteArray("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n") << qsizetype(20);
    QTest::newRow("control byte inside a value") << QByteArray("GET / HTTP/1.1\r\nX: a\x01\r\n\r\n") << qsizetype(20);
    QTest::newRow("request line without version") << QByteArray("GET /\r\n\r\n") << qsizetype(5);
    QTest::newRow("request line without spaces") << QByteArray("GET\r\n\r\n") << qsizetype(0);
    QTest::newRow("two spaces after the method") << QByteArray("GET  / HTTP/1.1\r\n\r\n") << qsizetype(4);
    QTest::newRow("malformed version") << QByteArray("GET / HTTP/x.1\r\n\r\n") << qsizetype(6);
    QTest::newRow("trailing space after version") << QByteArray("GET / HTTP/1.1 \r\n\r\n") << qsizetype(6);
    QTest::newRow("control byte in method") << QByteArray("G\x01T / HTTP/1.1\r\n\r\n") << qsizetype(1);
    QTest::newRow("empty line before the request line") << QByteArray("\r\nGET / HTTP/1.1\r\n\r\n") << qsizetype(0);
    QTest::newRow("malformed field before the head is complete")
        << QByteArray("GET / HTTP/1.1\r\nHost : a\r\n") << qsizetype(20);
}

void TestHttp::malformedRequest()
{
    QFETCH(QByteArray, bytes);
    QFETCH(qsizetype, offset);

    const auto parsed = parseRequestHead(bytes);
    QCOMPARE(parsed.state, HeadState::Error);
    QCOMPARE(parsed.error.offset, offset);
    QCOMPARE(parsed.error.httpStatus, 400);
    QVERIFY(!parsed.error.message.isEmpty());
}

void TestHttp::requestLimits_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<qsizetype>("offset");

    const QByteArray start = "GET / HTTP/1.1\r\n";
    const QByteArray kilobyteLine = "X: " + QByteArray(1021, 'a') + "\r\n";
    QTest::newRow("1 MB head without a blank line") << start + repeated(kilobyteLine, 1024) << 431 << qsizetype(16384);
    QTest::newRow("head over 16 KiB that does complete") << start + repeated(kilobyteLine, 17) + "\r\n"
                                                         << 431 << qsizetype(16384);
    QTest::newRow("20,000 header fields") << start + repeated("X: y\r\n", 20000) << 431 << qsizetype(16 + 100 * 6);
    QTest::newRow("101 fields in a complete head") << start + repeated("X: y\r\n", 101) + "\r\n"
                                                   << 431 << qsizetype(16 + 100 * 6);
    QTest::newRow("field line over 8 KiB, still arriving")
        << start + "X: " + QByteArray(9000, 'a') << 431 << qsizetype(16);
    QTest::newRow("request target over 8 KiB, still arriving")
        << "GET /" + QByteArray(9000, 'a') << 414 << qsizetype(0);
    QTest::newRow("request target over 8 KiB, complete") << "GET /" + QByteArray(9000, 'a') + " HTTP/1.1\r\n\r\n"
                                                         << 414 << qsizetype(0);
}

void TestHttp::requestLimits()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, httpStatus);
    QFETCH(qsizetype, offset);

    const auto parsed = parseRequestHead(bytes);
    QCOMPARE(parsed.state, HeadState::Error);
    QCOMPARE(parsed.error.httpStatus, httpStatus);
    QCOMPARE(parsed.error.offset, offset);

    // Exactly at the limits is still fine: 100 fields, a head under 16 KiB.
    const auto atLimit = parseRequestHead("GET / HTTP/1.1\r\n" + repeated("X: y\r\n", 100) + "\r\n");
    QCOMPARE(atLimit.state, HeadState::Complete);
    QCOMPARE(atLimit.value.headers.size(), 100);
}

void TestHttp::requestFedByteByByte()
{
    const QByteArray stream = kRequest + QByteArray::fromHex("818537fa213d7f9f4d5158");
    for (qsizetype length = 0; length < kRequest.size(); ++length) {
        const auto parsed = parseRequestHead(QByteArrayView(stream).first(length));
        QVERIFY2(parsed.state == HeadState::Incomplete, QByteArray::number(length).constData());
    }
    for (qsizetype length = kRequest.size(); length <= stream.size(); ++length) {
        const auto parsed = parseRequestHead(QByteArrayView(stream).first(length));
        QCOMPARE(parsed.state, HeadState::Complete);
        QCOMPARE(parsed.headBytes, kRequest.size());
    }
}

void TestHttp::parseValidResponse_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("reason");
    QTest::addColumn<int>("fieldCount");

    QTest::newRow("101 Switching Protocols") << kResponse << 101 << QByteArray("Switching Protocols") << 3;
    QTest::newRow("status without reason or space") << QByteArray("HTTP/1.1 101\r\n\r\n") << 101 << QByteArray() << 0;
    QTest::newRow("status with empty reason")
        << QByteArray("HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n") << 404 << QByteArray() << 1;
    QTest::newRow("reason with tab and obs-text")
        << QByteArray("HTTP/1.0 426 Up\tgrade \xff\r\n\r\n") << 426 << QByteArray("Up\tgrade \xff") << 0;
}

void TestHttp::parseValidResponse()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, status);
    QFETCH(QByteArray, reason);
    QFETCH(int, fieldCount);

    const auto parsed = parseResponseHead(bytes + "body");
    QCOMPARE(parsed.state, HeadState::Complete);
    QCOMPARE(parsed.headBytes, bytes.size());
    QCOMPARE(parsed.value.status, status);
    QCOMPARE(parsed.value.reason, reason);
    QCOMPARE(parsed.value.headers.size(), fieldCount);
}

void TestHttp::malformedResponse_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<qsizetype>("offset");
    QTest::addColumn<int>("httpStatus");

    QTest::newRow("two-digit status") << QByteArray("HTTP/1.1 20 OK\r\n\r\n") << qsizetype(9) << 400;
    QTest::newRow("four-digit status") << QByteArray("HTTP/1.1 1010 OK\r\n\r\n") << qsizetype(9) << 400;
    QTest::newRow("letters as status") << QByteArray("HTTP/1.1 abc OK\r\n\r\n") << qsizetype(9) << 400;
    QTest::newRow("not HTTP") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n\r\n") << qsizetype(0) << 400;
    QTest::newRow("lower-case version") << QByteArray("http/1.1 101 OK\r\n\r\n") << qsizetype(0) << 400;
    QTest::newRow("NUL in reason") << QByteArray("HTTP/1.1 101 O\0K\r\n\r\n", 21) << qsizetype(14) << 400;
    QTest::newRow("CR injected into a value")
        << QByteArray("HTTP/1.1 101 OK\r\nUpgrade: websocket\rSet-Cookie: x\r\n\r\n") << qsizetype(35) << 400;
    QTest::newRow("bare LF line ends") << QByteArray("HTTP/1.1 101 OK\nUpgrade: websocket\n\n") << qsizetype(15) << 400;
    QTest::newRow("field line over 8 KiB") << "HTTP/1.1 101 OK\r\nX: " + QByteArray(9000, 'a') << qsizetype(17) << 431;
    QTest::newRow("status line over 8 KiB") << "HTTP/1.1 200 " + QByteArray(9000, 'a') << qsizetype(0) << 431;
}

void TestHttp::malformedResponse()
{
    QFETCH(QByteArray, bytes);
    QFETCH(qsizetype, offset);
    QFETCH(int, httpStatus);

    const auto parsed = parseResponseHead(bytes);
    QCOMPARE(parsed.state, HeadState::Error);
    QCOMPARE(parsed.error.offset, offset);
    QCOMPARE(parsed.error.httpStatus, httpStatus);
}

void TestHttp::responseFedByteByByte()
{
    for (qsizetype length = 0; length < kResponse.size(); ++length)
        QCOMPARE(parseResponseHead(QByteArrayView(kResponse).first(length)).state, HeadState::Incomplete);
    const auto parsed = parseResponseHead(kResponse);
    QCOMPARE(parsed.state, HeadState::Complete);
    QCOMPARE(parsed.headBytes, kResponse.size());
    QCOMPARE(parsed.value.headers.value("Sec-WebSocket-Accept"), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
}

void TestHttp::serialize()
{
    HttpRequest request;
    request.target = "/chat";
    request.headers.append("Host", "server.example.com");
    request.headers.append("upgrade", "websocket");
    request.headers.append("Upgrade", "websocket");
    QCOMPARE(request.serialize(),
        QByteArray("GET /chat HTTP/1.1\r\nHost: server.example.com\r\n"
                   "upgrade: websocket\r\nUpgrade: websocket\r\n\r\n"));

    HttpResponse response;
    response.status = 404;
    response.reason = "Not Found";
    response.headers.append("Content-Length", "3");
    response.body = "nope";
    QCOMPARE(response.serialize(), QByteArray("HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnope"));
    QCOMPARE(response.serializeHead(), QByteArray("HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\n"));

    const auto reparsed = parseRequestHead(request.serialize());
    QCOMPARE(reparsed.state, HeadState::Complete);
    QCOMPARE(reparsed.value.headers, request.headers);
}

void TestHttp::bodyFraming_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("fields");
    QTest::addColumn<int>("kind");
    QTest::addColumn<qint64>("length");
    QTest::addColumn<bool>("hasError");

    QTest::newRow("101 has no body") << 101 << QByteArray("Content-Length: 10") << int(BodyFraming::None) << qint64(0)
                                     << false;
    QTest::newRow("204 has no body") << 204 << QByteArray() << int(BodyFraming::None) << qint64(0) << false;
    QTest::newRow("304 has no body") << 304 << QByteArray() << int(BodyFraming::None) << qint64(0) << false;
    QTest::newRow("Content-Length") << 404 << QByteArray("Content-Length: 12") << int(BodyFraming::ContentLength)
                                    << qint64(12) << false;
    QTest::newRow("repeated identical Content-Length") << 400 << QByteArray("Content-Length: 5, 5|Content-Length: 5")
                                                       << int(BodyFraming::ContentLength) << qint64(5) << false;
    QTest::newRow("conflicting Content-Length") << 400 << QByteArray("Content-Length: 5|Content-Length: 6")
                                                << int(BodyFraming::UntilClose) << qint64(0) << true;
    QTest::newRow("non-numeric Content-Length")
        << 400 << QByteArray("Content-Length: -1") << int(BodyFraming::UntilClose) << qint64(0) << true;
    QTest::newRow("chunked") << 200 << QByteArray("Transfer-Encoding: Chunked") << int(BodyFraming::Chunked)
                             << qint64(0) << false;
    QTest::newRow("chunked wins over Content-Length")
        << 200 << QByteArray("Content-Length: 3|Transfer-Encoding: gzip, chunked") << int(BodyFraming::Chunked)
        << qint64(0) << false;
    QTest::newRow("transfer coding not ending in chunked")
        << 200 << QByteArray("Transfer-Encoding: gzip") << int(BodyFraming::UntilClose) << qint64(0) << false;
    QTest::newRow("no framing headers") << 403 << QByteArray() << int(BodyFraming::UntilClose) << qint64(0) << false;
}

void TestHttp::bodyFraming()
{
    QFETCH(int, status);
    QFETCH(QByteArray, fields);
    QFETCH(int, kind);
    QFETCH(qint64, length);
    QFETCH(bool, hasError);

    HttpResponse response;
    response.status = status;
    for (const QByteArray& field : fields.split('|')) {
        if (field.isEmpty())
            continue;
        const qsizetype colon = field.indexOf(':');
        response.headers.append(field.first(colon), field.sliced(colon + 2));
    }
    const BodyFraming framing = wsi::bodyFraming(response);
    QCOMPARE(int(framing.kind), kind);
    QCOMPARE(framing.length, length);
    QCOMPARE(!framing.error.isEmpty(), hasError);
}

void TestHttp::chunked_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<qint64>("maxBody");
    QTest::addColumn<HeadState>("state");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<qsizetype>("consumedOrErrorOffset");

    QTest::newRow("two chunks") << QByteArray("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nNEXT") << qint64(100)
                                << HeadState::Complete << QByteArray("hello world") << qsizetype(26);
    QTest::newRow("upper-case hex and extension") << QByteArray("A;name=v\r\n0123456789\r\n0\r\n\r\n") << qint64(100)
                                                  << HeadState::Complete << QByteArray("0123456789") << qsizetype(27);
    QTest::newRow("trailer fields") << QByteArray("1\r\nx\r\n0\r\nExpires: never\r\n\r\n") << qint64(100)
                                    << HeadState::Complete << QByteArray("x") << qsizetype(27);
    QTest::newRow("data still arriving") << QByteArray("5\r\nhello\r\n5\r\nwor") << qint64(100) << HeadState::Incomplete
                                         << QByteArray("hello") << qsizetype(10);
    QTest::newRow("size is not hexadecimal")
        << QByteArray("5\r\nhello\r\nzz\r\n") << qint64(100) << HeadState::Error << QByteArray() << qsizetype(10);
    QTest::newRow("data not followed by CRLF")
        << QByteArray("3\r\nhello\r\n") << qint64(100) << HeadState::Error << QByteArray() << qsizetype(6);
    QTest::newRow("body over the limit") << QByteArray("5\r\nhello\r\n6\r\n") << qint64(10) << HeadState::Error
                                         << QByteArray() << qsizetype(10);
    QTest::newRow("huge chunk size") << QByteArray("ffffffffffffffffff\r\n") << qint64(100) << HeadState::Error
                                     << QByteArray() << qsizetype(0);
    QTest::newRow("bare LF after size") << QByteArray("5\nhello\r\n") << qint64(100) << HeadState::Error << QByteArray()
                                        << qsizetype(1);
}

void TestHttp::chunked()
{
    QFETCH(QByteArray, bytes);
    QFETCH(qint64, maxBody);
    QFETCH(HeadState, state);
    QFETCH(QByteArray, body);
    QFETCH(qsizetype, consumedOrErrorOffset);

    const ChunkedDecode decoded = decodeChunked(bytes, maxBody);
    QCOMPARE(decoded.state, state);
    if (state == HeadState::Error) {
        QCOMPARE(decoded.error.offset, consumedOrErrorOffset);
        QVERIFY(!decoded.error.message.isEmpty());
        return;
    }
    QCOMPARE(decoded.body, body);
    QCOMPARE(decoded.consumed, consumedOrErrorOffset);
}

void TestHttp::chunkedFedByteByByte()
{
    const QByteArray encoded = "4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n";
    for (qsizetype length = 0; length < encoded.size(); ++length)
        QCOMPARE(decodeChunked(QByteArrayView(encoded).first(length), 1000).state, HeadState::Incomplete);
    const ChunkedDecode decoded = decodeChunked(encoded, 1000);
    QCOMPARE(decoded.state, HeadState::Complete);
    QCOMPARE(decoded.body, QByteArray("Wikipedia"));
    QCOMPARE(decoded.consumed, encoded.size());
}

void TestHttp::arbitraryBytesNeverCrash()
{
    // Every truncation of valid input, then random bytes drawn mostly from the bytes that steer
    // the parsers. Reaching the end without a crash (or sanitizer report) is the assertion, plus
    // the invariant that a Complete head never claims more bytes than it was given.
    QRandomGenerator random(20240611);
    const char alphabetBytes[] = "\r\n :;,=\"\\\t\x00\x7f\xffGETHTP/1.0 5a-zA-Z";
    const QByteArray alphabet(alphabetBytes, sizeof alphabetBytes - 1);
    QList<QByteArray> inputs;
    for (const QByteArray& valid : { kRequest, kResponse, QByteArray("4\r\nWiki\r\n0\r\n\r\n") }) {
        for (qsizetype length = 0; length <= valid.size(); ++length)
            inputs.append(valid.first(length));
    }
    for (int i = 0; i < 3000; ++i) {
        QByteArray bytes(random.bounded(1, 200), Qt::Uninitialized);
        for (char& c : bytes)
            c = random.bounded(4) == 0 ? char(random.bounded(256)) : alphabet[random.bounded(alphabet.size())];
        inputs.append(i % 2 ? bytes : kRequest.first(random.bounded(kRequest.size())) + bytes);
    }
    const HeadLimits tight { 64, 3, 32 };
    for (const QByteArray& bytes : inputs) {
        const auto request = parseRequestHead(bytes);
        QVERIFY(request.headBytes <= bytes.size());
        QVERIFY(parseRequestHead(bytes, tight).headBytes <= 64);
        const auto response = parseResponseHead(bytes);
        QVERIFY(response.headBytes <= bytes.size());
        const auto chunks = decodeChunked(bytes, 50);
        QVERIFY(chunks.consumed <= bytes.size());
        QVERIFY(chunks.body.size() <= 50);
    }
}

QTEST_GUILESS_MAIN(TestHttp)
#include "tst_http.moc"
