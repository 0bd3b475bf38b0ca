#include "core/endpoint.h"

namespace wsi
{

namespace
{
// At most `limit` bytes of `text`, never ending inside a UTF-8 sequence (a cut sequence would
// make our close reason invalid UTF-8, which the peer must answer with 1007).
QByteArray truncateUtf8(QByteArray text, qsizetype limit)
{
    if (text.size() <= limit)
        return text;
    qsizetype end = limit;
    while (end > 0 && (quint8(text.at(end)) & 0xC0) == 0x80)
        --end; // text.at(end) is the first byte left out: step back to a sequence start
    text.truncate(end);
    return text;
}

} // namespace

Endpoint::Endpoint(EndpointConfig config, EndpointSink& sink, Transcript& transcript, std::function<qint64()> clockUs,
    std::function<MaskKey()> maskKeys)
    : m_config(config)
    , m_sink(sink)
    , m_transcript(transcript)
    , m_clockUs(std::move(clockUs))
    , m_maskKeys(std::move(maskKeys))
    , m_decoder(config.role, config.decoder)
    , m_assembler(config.assembler)
{
}

Endpoint::~Endpoint() = default;

void Endpoint::enableDeflate(const DeflateParams& params, int level)
{
    m_deflate = std::make_unique<DeflateSession>(m_config.role, params, m_config.assembler.maxMessageBytes, level);
    m_decoder.setRsv1Allowed(true);
    m_assembler.setInflater([this](QByteArrayView in, bool finalFragment, QByteArray& out, ProtocolViolation& error) {
        MessageInflater& inflater = m_deflate->inflater();
        if (inflater.inflate(in, finalFragment, out))
            return true;
        error.closeCode = inflater.errorCloseCode();
        error.reason = inflater.errorString();
        return false;
    });
}

void Endpoint::receive(QByteArrayView bytes)
{
    if (m_violation) {
        // §7.1.7: a failed connection reads nothing more, not even the peer's answering close; the record
        // says how much went unread.
        if (auto& failure = m_transcript.close().failure)
            failure->unreadBytes += bytes.size();
        return;
    }
    if (m_state == State::Closed)
        return; // §5.5.1: after the closing handshake nothing more is read
    m_bytesReceived += bytes.size();
    m_decoder.feed(bytes);
    Frame frame;
    for (;;) {
        switch (m_decoder.next(frame)) {
        case FrameDecoder::Status::NeedMore:
            judgePartialFrame();
            return;
        case FrameDecoder::Status::Violation: {
            // The offending frame is recorded as far as it was read: the header fields parsed until the
            // rule was broken, no payload.
            const qint64 bytesRead = m_decoder.currentFrameBytesRead();
            qint32 index = -1;
            if (m_config.recordFrames) {
                index = m_transcript.addFrame(Direction::In, now(), m_decoder.violatingHeader(), {});
                m_transcript.markFrameCutShort(index, bytesRead);
            }
            m_bytesHandled += bytesRead;
            failConnection(m_decoder.violation(), index, bytesRead);
            return;
        }
        case FrameDecoder::Status::FrameReady:
            handleFrame(frame);
            if (m_state == State::Closed || m_violation)
                return;
            break;
        }
    }
}

// The decoder hands out whole frames, which keeps the common path (binary, control, short frames)
// to one copy and one call per frame. Only a text frame still arriving is looked at here, once per
// chunk received and only over the bytes new since the last look, so that invalid UTF-8 inside one
// long frame fails the connection as soon as it arrives (RFC 6455 §8.1) instead of when the frame ends.
void Endpoint::judgePartialFrame()
{
    const Frame* partial = m_decoder.partialFrame();
    if (!partial || m_assembler.pushPartial(*partial) != MessageAssembler::Result::Violation)
        return;
    // Refused after the bytes read so far: the record holds them and counts no more than those on the wire.
    const qint64 bytesRead = m_decoder.currentFrameBytesRead();
    qint32 index = -1;
    if (m_config.recordFrames) {
        index = m_transcript.addFrame(Direction::In, now(), partial->header, partial->payload);
        m_transcript.markFrameCutShort(index, bytesRead);
    }
    m_bytesHandled += bytesRead;
    failConnection(m_assembler.violation(), index, bytesRead);
}

void Endpoint::handleFrame(const Frame& frame)
{
    const qint64 t = now();
    qint32 index = -1;
    if (m_config.recordFrames)
        index = m_transcript.addFrame(Direction::In, t, frame.header, frame.payload);
    const qint64 frameBytes = qint64(frame.header.headerSize) + frame.payload.size();
    m_bytesHandled += frameBytes;
    const bool control = isControlOpcode(frame.header.opcode);
    if (!control && frame.header.opcode != quint8(Opcode::Continuation))
        m_openMessageFirstFrame = index;

    switch (m_assembler.push(frame)) {
    case MessageAssembler::Result::Pending:
        break;
    case MessageAssembler::Result::Violation:
        if (frame.header.opcode == quint8(Opcode::Close))
            recordReceivedClose(parseClosePayload(frame.payload)); // an invalid close is still a close
        failConnection(m_assembler.violation(), index, frameBytes);
        break;
    case MessageAssembler::Result::MessageReady: {
        const Message& message = m_assembler.message();
        if (m_config.recordMessages) {
            const qint32 first = m_openMessageFirstFrame >= 0 ? m_openMessageFirstFrame : -1;
            m_transcript.addMessage(Direction::In, t, message.opcode, message.compressed, message.wireBytes,
                message.payload, first, message.frameCount);
        }
        m_openMessageFirstFrame = -1;
        m_sink.messageReceived(message);
        break;
    }
    case MessageAssembler::Result::ControlReady:
        if (frame.header.opcode == quint8(Opcode::Close)) {
            handleClose(frame);
        } else {
            if (frame.header.opcode == quint8(Opcode::Ping) && m_config.autoPong && m_state == State::Open)
                sendPong(frame.payload);
            m_sink.controlReceived(frame);
        }
        break;
    }
}

void Endpoint::recordReceivedClose(const ClosePayload& close)
{
    CloseRecord& record = m_transcript.close();
    record.receivedCode = close.code;
    record.receivedReason = close.reason;
    record.receivedTimeUs = now();
    if (record.initiator == CloseRecord::Initiator::None)
        record.initiator = CloseRecord::Initiator::Remote;
}

// Only valid close frames get here: the assembler reports invalid ones as violations.
void Endpoint::handleClose(const Frame& frame)
{
    const ClosePayload close = parseClosePayload(frame.payload);
    recordReceivedClose(close);
    m_sink.controlReceived(frame);
    if (m_state == State::Open) {
        // Echo the status code, as RFC 6455 §5.5.1 suggests; no code in, no code out.
        m_state = State::CloseReceived;
        sendClose(close.code, {});
    }
    m_state = State::Closed;
    m_transcript.close().clean = true;
    m_sink.closeHandshakeDone();
}

void Endpoint::failConnection(const ProtocolViolation& violation, qint32 frame, qint64 frameBytesRead)
{
    m_violation = violation;
    const qint64 t = now();
    m_transcript.close().failure = FailureRecord { .closeCode = violation.closeCode,
        .reason = violation.reason,
        .rfc = violation.rfc,
        .timeUs = t,
        .frame = frame,
        .frameBytesRead = frameBytesRead,
        // Bytes behind the offending frame in what has arrived (a chunk can hold more frames).
        .unreadBytes = m_bytesReceived - m_bytesHandled };
    m_transcript.addNote(t, NoteRecord::Level::Error,
        QStringLiteral("Protocol violation (close %1): %2").arg(violation.closeCode).arg(violation.reason));
    if (m_state == State::Open || m_state == State::CloseReceived) {
        sendClose(violation.closeCode, violation.reason.toUtf8());
    }
    m_sink.protocolViolation(violation);
}

bool Endpoint::sendMessage(Opcode opcode, QByteArrayView payload, const SendOptions& options)
{
    if (m_state != State::Open)
        return false; // §5.5.1: no data frames after a close frame was sent or received
    if (opcode != Opcode::Text && opcode != Opcode::Binary)
        return false; // control frames go through sendPing/sendPong/sendClose, invalid ones through sendFrame
    const bool compress = m_deflate && options.compress;
    QByteArray compressed;
    QByteArrayView wire = payload;
    if (compress) {
        compressed = m_deflate->deflater().compress(payload);
        if (!m_deflate->deflater().ok()) {
            m_transcript.addNote(now(), NoteRecord::Level::Error,
                QStringLiteral("Not sent: compression failed (%1).").arg(m_deflate->deflater().errorString()));
            return false;
        }
        wire = compressed;
    }
    const QList<QByteArrayView> pieces = splitFragments(wire, options.fragments);
    const qsizetype fragments = pieces.size();
    const qint32 first = qint32(m_transcript.frames().size());
    qint64 lastFrameUs = 0;
    for (qsizetype i = 0; i < fragments; ++i) {
        FrameOptions frameOptions;
        frameOptions.fin = i + 1 == fragments;
        frameOptions.rsv1 = compress && i == 0; // RSV1 marks the first frame only (RFC 7692 §6)
        lastFrameUs = writeFrame(i == 0 ? quint8(opcode) : quint8(Opcode::Continuation), pieces.at(i), frameOptions);
    }
    if (m_config.recordMessages) {
        // Stamped with its last frame's time, like a received message: a single-frame message then
        // matches its frame and costs no record of its own (see Transcript::messages()).
        m_transcript.addMessage(Direction::Out, lastFrameUs, quint8(opcode), compress, wire.size(), payload,
            m_config.recordFrames ? first : -1, int(fragments));
    }
    return true;
}

bool Endpoint::sendPing(QByteArrayView payload)
{
    if (m_state != State::Open)
        return false;
    writeFrame(quint8(Opcode::Ping), payload.first(qMin<qsizetype>(payload.size(), 125)), {});
    return true;
}

bool Endpoint::sendPong(QByteArrayView payload)
{
    if (m_state != State::Open)
        return false;
    writeFrame(quint8(Opcode::Pong), payload.first(qMin<qsizetype>(payload.size(), 125)), {});
    return true;
}

bool Endpoint::sendClose(std::optional<quint16> code, QByteArrayView reason)
{
    if (m_state == State::CloseSent || m_state == State::Closed)
        return false;
    // A control frame carries at most 125 bytes: the code and at most 123 bytes of reason (§5.5).
    const QByteArray payload = code ? makeClosePayload(*code, truncateUtf8(reason.toByteArray(), 123)) : QByteArray();
    writeFrame(quint8(Opcode::Close), payload, {});
    CloseRecord& record = m_transcript.close();
    record.sentCode = code;
    record.sentReason = payload.mid(2);
    record.sentTimeUs = now();
    if (record.initiator == CloseRecord::Initiator::None)
        record.initiator = CloseRecord::Initiator::Local;
    m_state = m_state == State::CloseReceived ? State::Closed : State::CloseSent;
    return true;
}

bool Endpoint::sendFrame(quint8 opcode, QByteArrayView payload, const FrameOptions& options)
{
    if (m_state == State::Closed)
        return false;
    writeFrame(opcode, payload, options);
    return true;
}

void Endpoint::sendRawBytes(const QByteArray& bytes)
{
    m_transcript.addNote(now(), NoteRecord::Level::Info,
        QStringLiteral("Sent %1 raw bytes: %2").arg(bytes.size()).arg(QString::fromLatin1(bytes.left(64).toHex(' '))));
    m_sink.writeToWire(bytes);
}

void Endpoint::transportClosed()
{
    CloseRecord& record = m_transcript.close();
    if (record.closedTimeUs < 0)
        record.closedTimeUs = now();
    m_state = State::Closed;
}

qint64 Endpoint::writeFrame(quint8 opcode, QByteArrayView payload, const FrameOptions& options)
{
    const MaskKey key = m_config.role == Role::Client || options.masked.value_or(false) ? m_maskKeys() : MaskKey {};
    const QByteArray bytes = encodeFrame(m_config.role, opcode, payload, key, options);
    const qint64 sentUs = now();
    if (m_config.recordFrames)
        m_transcript.addFrame(Direction::Out, sentUs,
            encodedHeader(m_config.role, opcode, quint64(payload.size()), key, options), payload);
    m_sink.writeToWire(bytes);
    return sentUs;
}

} // namespace wsi
