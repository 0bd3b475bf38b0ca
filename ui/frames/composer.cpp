#include "ui/frames/composer.h"

#include "core/closepayload.h"
#include "core/deflatecodec.h"
#include "core/frame.h"
#include "core/frameencoder.h"
#include "core/hexbytes.h"
#include "engine/clientsession.h"
#include "ui/widgets/palette.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QTextBlock>
#include <QVBoxLayout>
#include <limits>

namespace wsi
{

namespace
{
constexpr int kMaxHistory = 200;
const QByteArray kInvalidUtf8("\xc3\x28", 2); // a lead byte followed by a byte that cannot continue it

quint8 kindOpcode(ComposeRequest::Kind kind)
{
    switch (kind) {
    case ComposeRequest::Kind::Text:
        return 1;
    case ComposeRequest::Kind::Binary:
        return 2;
    case ComposeRequest::Kind::Ping:
        return 9;
    case ComposeRequest::Kind::Pong:
        return 10;
    case ComposeRequest::Kind::Close:
        return 8;
    }
    return 1;
}

QByteArray framePayload(const ComposeRequest& r)
{
    if (r.kind == ComposeRequest::Kind::Close)
        return makeClosePayload(r.closeCode, r.closeReason);
    QByteArray payload = r.payload;
    if (r.advanced && r.invalidUtf8)
        payload += kInvalidUtf8;
    return payload;
}

QString summaryOf(const ComposeRequest& r)
{
    QString what;
    switch (r.kind) {
    case ComposeRequest::Kind::Text:
        what = QStringLiteral("text “%1”").arg(QString::fromUtf8(r.payload).left(40));
        break;
    case ComposeRequest::Kind::Binary:
        what = QStringLiteral("binary %1").arg(QString::fromLatin1(r.payload.left(16).toHex(' ')));
        break;
    case ComposeRequest::Kind::Ping:
        what = QStringLiteral("ping %1").arg(QString::fromUtf8(r.payload).left(40));
        break;
    case ComposeRequest::Kind::Pong:
        what = QStringLiteral("pong %1").arg(QString::fromUtf8(r.payload).left(40));
        break;
    case ComposeRequest::Kind::Close:
        what = QStringLiteral("close %1 %2").arg(r.closeCode).arg(QString::fromUtf8(r.closeReason));
        break;
    }
    QStringList options;
    if (r.fragments > 1)
        options << QObject::tr("%1 fragments").arg(r.fragments);
    if (r.compress)
        options << QObject::tr("compressed");
    if (r.advanced)
        options << QObject::tr("advanced");
    return options.isEmpty() ? what : QStringLiteral("%1 (%2)").arg(what, options.join(QStringLiteral(", ")));
}
} // namespace

QList<OutgoingFrame> composedFrames(const ComposeRequest& r, const std::optional<DeflateParams>& deflate)
{
    const bool data = r.kind == ComposeRequest::Kind::Text || r.kind == ComposeRequest::Kind::Binary;
    const quint8 opcode = r.advanced && r.opcode >= 0 ? quint8(r.opcode) : kindOpcode(r.kind);
    QByteArray payload = framePayload(r);
    const bool compress = !r.advanced && data && r.compress && deflate;
    if (compress) {
        DeflateSession session(Role::Client, *deflate, std::numeric_limits<qint64>::max());
        payload = session.deflater().compress(payload);
    }
    // Control frames outside the advanced area are not split by the session; described split anyway,
    // so the warning names what a fragmented control frame would cause.
    const QList<QByteArrayView> pieces = splitFragments(payload, qBound(1, r.fragments, 10'000));
    QList<OutgoingFrame> frames;
    for (qsizetype i = 0; i < pieces.size(); ++i) {
        // The first frame carries the opcode and the RSV bits, the rest continue it.
        OutgoingFrame frame;
        frame.opcode = i == 0 ? opcode : quint8(Opcode::Continuation);
        frame.payload = pieces.at(i).toByteArray();
        frame.options.fin = i + 1 == pieces.size();
        frame.options.rsv1 = i == 0 && (r.advanced ? r.rsv1 : compress);
        frame.options.rsv2 = i == 0 && r.advanced && r.rsv2;
        frame.options.rsv3 = i == 0 && r.advanced && r.rsv3;
        if (r.advanced && r.unmasked)
            frame.options.masked = false;
        frames.append(frame);
    }
    return frames;
}

std::optional<ProtocolViolation> expectedPeerViolation(
    const ComposeRequest& r, const std::optional<DeflateParams>& deflate)
{
    return receiverVerdict(composedFrames(r, deflate), Role::Client, deflate);
}

bool sendComposed(ClientSession& session, const ComposeRequest& r, QString* error)
{
    auto fail = [error](const QString& why) {
        if (error)
            *error = why;
        return false;
    };
    if (session.phase() != ClientSession::Phase::Open && session.phase() != ClientSession::Phase::Closing)
        return fail(QObject::tr("The connection is not open: connect first."));
    const int fragments = qBound(1, r.fragments, 10'000);
    bool ok = true;
    if (!r.advanced) {
        const QByteArray payload = framePayload(r);
        const bool control = r.kind != ComposeRequest::Kind::Text && r.kind != ComposeRequest::Kind::Binary;
        if (control && (fragments > 1 || payload.size() > 125)) {
            // Only the advanced area sends control frames that break §5.5; say so instead of refusing silently.
            return fail(
                QObject::tr("Control frames cannot be fragmented or carry more than 125 bytes; use the advanced "
                            "area to send one anyway."));
        }
        switch (r.kind) {
        case ComposeRequest::Kind::Text:
        case ComposeRequest::Kind::Binary: {
            SendOptions options;
            options.fragments = fragments;
            options.compress = r.compress;
            ok = session.sendMessage(
                r.kind == ComposeRequest::Kind::Text ? Opcode::Text : Opcode::Binary, payload, options);
            break;
        }
        case ComposeRequest::Kind::Ping:
            ok = session.sendPing(payload);
            break;
        case ComposeRequest::Kind::Pong:
            ok = session.sendPong(payload);
            break;
        case ComposeRequest::Kind::Close:
            ok = session.sendClose(r.closeCode, r.closeReason);
            break;
        }
    } else {
        // Frame by frame, exactly as asked.
        const QList<OutgoingFrame> frames = composedFrames(r, session.negotiatedDeflate());
        for (qsizetype i = 0; i < frames.size() && ok; ++i)
            ok = session.sendFrame(frames.at(i).opcode, frames.at(i).payload, frames.at(i).options);
    }
    if (!ok)
        return fail(session.errorString().isEmpty() ? QObject::tr("The session refused to send: it is no longer open.")
                                                    : session.errorString());
    return true;
}

Composer::Composer(QWidget* parent)
    : QWidget(parent)
    , m_kind(new QComboBox)
    , m_payload(new QPlainTextEdit)
    , m_fragments(new QSpinBox)
    , m_compress(new QCheckBox(tr("Compress")))
    , m_closeRow(new QWidget)
    , m_closeCode(new QSpinBox)
    , m_closeReason(new QLineEdit)
    , m_advanced(new QGroupBox(tr("Advanced: deliberate violations")))
    , m_opcode(new QComboBox)
    , m_unmasked(new QCheckBox(tr("Unmasked")))
    , m_invalidUtf8(new QCheckBox(tr("Invalid UTF-8")))
    , m_warning(new QLabel)
    , m_note(new QLabel)
    , m_error(new QLabel)
    , m_send(new QPushButton(tr("Send")))
    , m_history(new QListWidget)
    , m_autoPong(new QCheckBox(tr("Answer pings")))
    , m_pingEvery(new QSpinBox)
    , m_rtt(new QLabel)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    // What to send and the button on one row, how to send it on the next: the composer stays narrow enough
    // to sit beside the frame detail when both docks are open.
    auto* top = new QHBoxLayout;
    m_kind->addItems({ tr("Text"), tr("Binary (hex)"), tr("Ping"), tr("Pong"), tr("Close") });
    top->addWidget(m_kind);
    top->addStretch(1);
    m_send->setToolTip(tr("Send (Ctrl+Return while typing here)"));
    m_send->setDefault(true);
    top->addWidget(m_send);
    layout->addLayout(top);
    auto* how = new QHBoxLayout;
    how->addWidget(new QLabel(tr("Fragments:")));
    m_fragments->setRange(1, 10'000);
    m_fragments->setToolTip(tr("Split the message into this many frames"));
    how->addWidget(m_fragments);
    m_compress->setToolTip(tr("Compress with permessage-deflate (only when it was negotiated)"));
    how->addWidget(m_compress);
    how->addStretch(1);
    layout->addLayout(how);

    m_payload->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_payload->setPlaceholderText(tr("Message to send — Ctrl+Return sends"));
    m_payload->setTabChangesFocus(true);
    m_payload->installEventFilter(this);
    layout->addWidget(m_payload, 2);

    auto* closeLayout = new QHBoxLayout(m_closeRow);
    closeLayout->setContentsMargins(0, 0, 0, 0);
    m_closeCode->setRange(0, 65535);
    m_closeCode->setValue(1000);
    closeLayout->addWidget(new QLabel(tr("Code:")));
    closeLayout->addWidget(m_closeCode);
    auto* codeName = new QLabel(closeCodeName(1000));
    closeLayout->addWidget(codeName);
    closeLayout->addWidget(new QLabel(tr("Reason:")));
    m_closeReason->installEventFilter(this);
    closeLayout->addWidget(m_closeReason, 1);
    layout->addWidget(m_closeRow);
    connect(m_closeCode, &QSpinBox::valueChanged, codeName,
        [codeName](int code) { codeName->setText(closeCodeName(quint16(code))); });

    m_advanced->setCheckable(true);
    m_advanced->setChecked(false);
    // Two rows (header bits, then payload tricks) keep the composer narrow enough to sit beside the detail.
    auto* adv = new QGridLayout(m_advanced);
    for (int i = 0; i < 3; ++i) {
        m_rsv[i] = new QCheckBox(QStringLiteral("RSV%1").arg(i + 1));
        adv->addWidget(m_rsv[i], 0, i);
    }
    m_opcode->addItem(tr("opcode as chosen"), -1);
    for (int op = 0; op < 16; ++op)
        m_opcode->addItem(QStringLiteral("%1 %2").arg(op).arg(opcodeName(quint8(op))), op);
    adv->addWidget(m_opcode, 0, 3);
    adv->addWidget(m_unmasked, 1, 0, 1, 2);
    adv->addWidget(m_invalidUtf8, 1, 2, 1, 2);
    adv->setColumnStretch(4, 1);
    layout->addWidget(m_advanced);

    m_warning->setWordWrap(true);
    m_warning->setStyleSheet(QStringLiteral("QLabel { color: %1; }").arg(palette::css(palette::warning)));
    layout->addWidget(m_warning);
    m_note->setWordWrap(true);
    m_note->setStyleSheet(QStringLiteral("QLabel { color: %1; }").arg(palette::css(palette::info)));
    m_note->hide();
    layout->addWidget(m_note);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("QLabel { color: %1; }").arg(palette::css(palette::error)));
    layout->addWidget(m_error);

    auto* keepAlive = new QHBoxLayout;
    m_autoPong->setChecked(true);
    m_autoPong->setToolTip(tr("Answer every ping from the server with a pong (RFC 6455 §5.5.2)"));
    keepAlive->addWidget(m_autoPong);
    keepAlive->addWidget(new QLabel(tr("Ping every")));
    m_pingEvery->setRange(0, 3600);
    m_pingEvery->setSuffix(tr(" s"));
    m_pingEvery->setSpecialValueText(tr("never"));
    keepAlive->addWidget(m_pingEvery);
    keepAlive->addWidget(m_rtt, 1);
    layout->addLayout(keepAlive);

    auto* historyLabel = new QLabel(tr("Sent (double-click to compose again, or Up/Down in the message):"));
    historyLabel->setWordWrap(true); // a long label must not widen the panel
    layout->addWidget(historyLabel);
    m_history->setUniformItemSizes(true);
    layout->addWidget(m_history, 1);

    connect(m_send, &QPushButton::clicked, this, &Composer::send);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &Composer::updateForm);
    connect(m_fragments, &QSpinBox::valueChanged, this, &Composer::updateForm);
    connect(m_compress, &QCheckBox::toggled, this, &Composer::updateForm);
    connect(m_closeCode, &QSpinBox::valueChanged, this, &Composer::updateForm);
    connect(m_closeReason, &QLineEdit::textChanged, this, &Composer::updateForm);
    connect(m_payload, &QPlainTextEdit::textChanged, this, &Composer::updateForm);
    connect(m_advanced, &QGroupBox::toggled, this, &Composer::updateForm);
    connect(m_advanced, &QGroupBox::toggled, m_note, [this](bool armed) {
        if (armed)
            m_note->hide();
    });
    for (QCheckBox* box : { m_rsv[0], m_rsv[1], m_rsv[2], m_unmasked, m_invalidUtf8 })
        connect(box, &QCheckBox::toggled, this, &Composer::updateForm);
    connect(m_opcode, &QComboBox::currentIndexChanged, this, &Composer::updateForm);
    connect(m_history, &QListWidget::itemActivated, this, [this](QListWidgetItem* entry) {
        const int i = m_history->row(entry);
        if (i >= 0 && i < m_sentRequests.size())
            setRequest(m_sentRequests.at(i));
    });
    connect(m_autoPong, &QCheckBox::toggled, this, [this](bool on) {
        if (m_session)
            m_session->setAutoPong(on);
    });
    connect(m_pingEvery, &QSpinBox::valueChanged, this, [this](int s) {
        if (m_session)
            m_session->setPingInterval(s * 1000);
    });
    setSession(nullptr);
}

QCheckBox* Composer::rsvBox(int n) const
{
    return n >= 1 && n <= 3 ? m_rsv[n - 1] : nullptr;
}

void Composer::setSession(ClientSession* session)
{
    if (m_session)
        m_session->disconnect(this);
    m_session = session;
    m_wasOpen = false;
    if (session) {
        connect(session, &ClientSession::phaseChanged, this, &Composer::sessionChanged);
        connect(session, &ClientSession::pongReceived, this, [this](qint64 rttUs) {
            if (rttUs >= 0)
                m_rtt->setText(tr("RTT %1 ms").arg(double(rttUs) / 1000.0, 0, 'f', 2));
        });
        session->setAutoPong(m_autoPong->isChecked());
        session->setPingInterval(m_pingEvery->value() * 1000);
    }
    m_rtt->clear();
    sessionChanged();
}

void Composer::sessionChanged()
{
    const bool open = m_session && m_session->phase() == ClientSession::Phase::Open;
    const bool deflate = open && m_session->negotiatedDeflate().has_value();
    m_send->setEnabled(open);
    m_compress->setEnabled(deflate);
    // Each session starts compressing exactly when it negotiated compression; the user may untick it after.
    if (open && !m_wasOpen)
        m_compress->setChecked(deflate);
    if (!deflate)
        m_compress->setChecked(false);
    m_wasOpen = open;
    m_error->setText(open ? QString() : tr("Connect to send frames."));
    updateForm();
}

std::optional<ComposeRequest> Composer::request(QString* error) const
{
    ComposeRequest r;
    r.kind = ComposeRequest::Kind(m_kind->currentIndex());
    if (r.kind == ComposeRequest::Kind::Binary) {
        const auto bytes = parseHexBytes(m_payload->toPlainText(), error);
        if (!bytes)
            return std::nullopt;
        r.payload = *bytes;
    } else {
        r.payload = m_payload->toPlainText().toUtf8();
    }
    r.fragments = m_fragments->value();
    r.compress = m_compress->isEnabled() && m_compress->isChecked();
    r.closeCode = quint16(m_closeCode->value());
    r.closeReason = m_closeReason->text().toUtf8();
    r.advanced = m_advanced->isChecked();
    r.rsv1 = m_rsv[0]->isChecked();
    r.rsv2 = m_rsv[1]->isChecked();
    r.rsv3 = m_rsv[2]->isChecked();
    r.opcode = m_opcode->currentData().toInt();
    r.unmasked = m_unmasked->isChecked();
    r.invalidUtf8 = m_invalidUtf8->isChecked();
    return r;
}

void Composer::setRequest(const ComposeRequest& r)
{
    m_kind->setCurrentIndex(int(r.kind));
    m_payload->setPlainText(r.kind == ComposeRequest::Kind::Binary ? QString::fromLatin1(r.payload.toHex(' '))
                                                                   : QString::fromUtf8(r.payload));
    m_fragments->setValue(r.fragments);
    m_compress->setChecked(r.compress);
    m_closeCode->setValue(r.closeCode);
    m_closeReason->setText(QString::fromUtf8(r.closeReason));
    m_advanced->setChecked(r.advanced);
    m_rsv[0]->setChecked(r.rsv1);
    m_rsv[1]->setChecked(r.rsv2);
    m_rsv[2]->setChecked(r.rsv3);
    m_opcode->setCurrentIndex(qMax(0, m_opcode->findData(r.opcode)));
    m_unmasked->setChecked(r.unmasked);
    m_invalidUtf8->setChecked(r.invalidUtf8);
}

void Composer::updateForm()
{
    const auto kind = ComposeRequest::Kind(m_kind->currentIndex());
    const bool isData = kind == ComposeRequest::Kind::Text || kind == ComposeRequest::Kind::Binary;
    m_closeRow->setVisible(kind == ComposeRequest::Kind::Close);
    m_payload->setEnabled(kind != ComposeRequest::Kind::Close);
    m_invalidUtf8->setEnabled(kind == ComposeRequest::Kind::Text);
    m_compress->setVisible(isData);
    QString error;
    const auto r = request(&error);
    if (!r) {
        m_warning->setText(error);
        return;
    }
    const std::optional<DeflateParams> deflate = m_session ? m_session->negotiatedDeflate() : std::nullopt;
    const auto violation = expectedPeerViolation(*r, deflate);
    m_warning->setText(violation
            ? tr("⚠ The server must close with %1: %2").arg(violation->closeCode).arg(violation->reason)
            : QString());
}

bool Composer::send()
{
    QString error;
    const auto r = request(&error);
    if (!r || !m_session || !sendComposed(*m_session, *r, &error)) {
        if (!m_session)
            error = tr("Connect to send frames.");
        m_error->setText(error);
        Q_EMIT failed(error);
        return false;
    }
    m_error->clear();
    m_sentRequests.append(*r);
    m_history->addItem(summaryOf(*r));
    while (m_history->count() > kMaxHistory) {
        delete m_history->takeItem(0);
        m_sentRequests.removeFirst();
    }
    m_history->scrollToBottom();
    m_recalled = -1;
    m_draft.clear();
    // The message went out and the history holds it: the box is free for the next one instead of having it
    // appended to the last.
    if (r->kind != ComposeRequest::Kind::Close)
        m_payload->clear();
    if (r->advanced) {
        // A deliberate violation is a one-off: the next message is an ordinary one unless armed again.
        m_advanced->setChecked(false);
        m_note->setText(tr("Violations sent once; arm again to repeat."));
        m_note->show();
    } else {
        m_note->hide();
    }
    Q_EMIT sent(summaryOf(*r));
    return true;
}

bool Composer::recallHistory(int step)
{
    if (m_sentRequests.isEmpty())
        return false;
    const int newest = int(m_sentRequests.size()) - 1;
    int next;
    if (m_recalled < 0)
        next = step < 0 ? newest : -1;
    else
        next = m_recalled + step;
    if (m_recalled < 0 && next < 0)
        return false; // Down while already editing a new message
    if (next < 0)
        return false; // Up at the oldest
    if (m_recalled < 0)
        m_draft = m_payload->toPlainText();
    m_recalled = next > newest ? -1 : next;
    // Only what was sent and how it is read (its kind) come back: fragments, compression and violations stay as
    // they are set now, so recalling an old message never re-arms anything.
    const QSignalBlocker block(m_payload);
    if (m_recalled < 0) {
        m_payload->setPlainText(m_draft);
    } else {
        const ComposeRequest& r = m_sentRequests.at(m_recalled);
        m_kind->setCurrentIndex(int(r.kind));
        m_payload->setPlainText(r.kind == ComposeRequest::Kind::Binary ? QString::fromLatin1(r.payload.toHex(' '))
                                                                       : QString::fromUtf8(r.payload));
    }
    m_payload->moveCursor(QTextCursor::End);
    updateForm();
    return true;
}

bool Composer::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_payload && event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        const QTextCursor cursor = m_payload->textCursor();
        const bool plain = key->modifiers() == Qt::NoModifier || key->modifiers() == Qt::KeypadModifier;
        // Only at the edge of the text, so the arrows still move between the lines of a long message.
        if (plain && key->key() == Qt::Key_Up && cursor.blockNumber() == 0 && recallHistory(-1))
            return true;
        if (plain && key->key() == Qt::Key_Down && cursor.blockNumber() == m_payload->document()->blockCount() - 1
            && recallHistory(+1))
            return true;
    }
    // Ctrl+Return means Connect to the window; while typing a message here it means Send. Accepting the
    // override keeps the window's shortcut from taking the key.
    if (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) && (key->modifiers() & Qt::ControlModifier)
            && !(key->modifiers() & Qt::ShiftModifier)) {
            event->accept();
            if (event->type() == QEvent::KeyPress)
                send();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace wsi
