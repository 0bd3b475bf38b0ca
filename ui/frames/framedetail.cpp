#include "ui/frames/framedetail.h"

#include "core/closepayload.h"
#include "core/framerules.h"
#include "core/utf8.h"
#include "core/wirebytes.h"
#include "ui/frames/frameheaderview.h"
#include "ui/frames/framesmodel.h"
#include "ui/widgets/hexview.h"
#include "ui/widgets/palette.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QSplitter>
#include <QTextDocument>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <optional>

namespace wsi
{

namespace
{
// A payload bigger than this is shown as text only in part: a 100 MB message must not stall the window.
constexpr qsizetype kMaxTextBytes = 4 << 20;

QString bytesCount(quint64 n)
{
    return n == 1 ? QObject::tr("1 byte") : QObject::tr("%1 bytes").arg(n);
}
QString bytesCount(qint64 n)
{
    return bytesCount(quint64(qMax<qint64>(0, n)));
}
} // namespace

FrameDetail::FrameDetail(QWidget* parent)
    : QTabWidget(parent)
    , m_summary(new QLabel)
    , m_text(new QPlainTextEdit)
    , m_treeChoice(new QComboBox)
    , m_treeNote(new QLabel)
    , m_tree(new QTreeWidget)
    , m_hexChoice(new QComboBox)
    , m_hex(new HexView)
    , m_header(new FrameHeaderView)
    , m_headerHex(new HexView)
    , m_headerNote(new QLabel)
{
    setDocumentMode(true);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_summary->setMargin(8);
    auto* summaryScroll = new QScrollArea;
    summaryScroll->setWidget(m_summary);
    summaryScroll->setWidgetResizable(true);
    summaryScroll->setFrameShape(QFrame::NoFrame);
    addTab(summaryScroll, tr("Summary"));

    m_text->setReadOnly(true);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    addTab(m_text, tr("Text"));

    auto* treePage = new QWidget;
    auto* treeLayout = new QVBoxLayout(treePage);
    treeLayout->setContentsMargins(4, 4, 4, 4);
    auto* treeBar = new QHBoxLayout;
    m_treeChoice->addItem(tr("Detect"));
    m_treeChoice->addItem(QStringLiteral("JSON"));
    m_treeChoice->addItem(QStringLiteral("MessagePack"));
    m_treeChoice->addItem(QStringLiteral("CBOR"));
    treeBar->addWidget(new QLabel(tr("Decode as:")));
    treeBar->addWidget(m_treeChoice);
    treeBar->addWidget(m_treeNote, 1);
    treeLayout->addLayout(treeBar);
    m_tree->setUniformRowHeights(true);
    m_tree->setColumnCount(3);
    m_tree->setHeaderLabels({ tr("Key"), tr("Type"), tr("Value") });
    m_tree->setAlternatingRowColors(true);
    treeLayout->addWidget(m_tree, 1);
    addTab(treePage, tr("Tree"));
    connect(m_treeChoice, &QComboBox::currentIndexChanged, this, [this] { showTree(); });

    auto* hexPage = new QWidget;
    auto* hexLayout = new QVBoxLayout(hexPage);
    hexLayout->setContentsMargins(4, 4, 4, 4);
    auto* hexBar = new QHBoxLayout;
    m_hexChoice->addItem(tr("Frame on the wire (masked)"));
    m_hexChoice->addItem(tr("Payload (unmasked)"));
    m_hexChoice->addItem(tr("Message (inflated)"));
    m_hexChoice->setCurrentIndex(1);
    hexBar->addWidget(new QLabel(tr("Bytes:")));
    hexBar->addWidget(m_hexChoice);
    hexBar->addStretch(1);
    hexLayout->addLayout(hexBar);
    hexLayout->addWidget(m_hex, 1);
    addTab(hexPage, tr("Hex"));
    connect(m_hexChoice, &QComboBox::currentIndexChanged, this,
        [this](int i) { setHexSource(HexSource(qBound(0, i, 2))); });

    auto* headerPage = new QSplitter(Qt::Vertical);
    auto* headerTop = new QWidget;
    auto* headerTopLayout = new QVBoxLayout(headerTop);
    headerTopLayout->setContentsMargins(4, 4, 4, 4);
    m_headerNote->setText(tr("Click a field to highlight its bytes below."));
    m_headerNote->setWordWrap(true);
    headerTopLayout->addWidget(m_headerNote);
    auto* headerScroll = new QScrollArea;
    headerScroll->setWidget(m_header);
    headerScroll->setWidgetResizable(false);
    headerScroll->setFrameShape(QFrame::NoFrame);
    headerTopLayout->addWidget(headerScroll, 1);
    headerPage->addWidget(headerTop);
    headerPage->addWidget(m_headerHex);
    headerPage->setStretchFactor(0, 3);
    headerPage->setStretchFactor(1, 2);
    addTab(headerPage, tr("Header"));
    connect(m_header, &FrameHeaderView::fieldClicked, this, [this](int index, int start, int length) {
        m_headerHex->markField(start, length);
        const HeaderField& f = m_header->fields().at(index);
        m_headerNote->setText(tr("%1 = %2: byte %3%4 of the frame.")
                                  .arg(f.name, f.value)
                                  .arg(start)
                                  .arg(length > 1 ? tr("–%1").arg(start + length - 1) : QString()));
    });
    clear();
}

void FrameDetail::clear()
{
    m_frame = -1;
    m_wire.clear();
    m_payload.clear();
    m_inflated.clear();
    m_hasMessage = false;
    m_summary->setText(tr("Select a frame in the list to see it here."));
    m_text->clear();
    m_tree->clear();
    m_treeNote->clear();
    m_treeFormat.reset();
    m_treeRoot = {};
    m_hex->setData({});
    m_header->setWireBytes({});
    m_headerHex->setData({});
}

void FrameDetail::showFrame(const Transcript* t, int frameIndex, Role recorder)
{
    if (!t || frameIndex < 0 || frameIndex >= t->frames().size()) {
        clear();
        return;
    }
    m_frame = frameIndex;
    const FrameRecord& f = t->frames().at(frameIndex);
    m_wire = t->frameWireBytes(f);
    m_payload = t->framePayload(f);
    std::optional<MessageRecord> message;
    if (f.message >= 0)
        message = t->messages().at(f.message);
    m_hasMessage = message.has_value();
    m_inflated = message ? t->messagePayload(*message) : m_payload;
    const quint8 dataOpcode = message ? message->opcode : f.opcode;
    m_textual = dataOpcode == 1 || isControlOpcode(f.opcode);

    // The frame this side failed the connection on may have been refused before its end: only what was read is
    // shown.
    const std::optional<FailureRecord>& failure = t->close().failure;
    const bool cutShort
        = failure && failure->frame == frameIndex && quint64(failure->frameBytesRead) < frameWireSize(f);
    if (cutShort)
        m_wire.truncate(failure->frameBytesRead);

    QStringList lines;
    if (cutShort) {
        lines << tr("<b>Frame %1</b> — received %2, refused after its first %3; its header declares %4 of payload, "
                    "never read")
                     .arg(frameIndex + 1)
                     .arg(opcodeName(f.opcode).toHtmlEscaped(), bytesCount(failure->frameBytesRead),
                         bytesCount(f.payloadLength));
    } else {
        // The same wire size the totals add up (core/wirebytes.h), with its two parts named.
        lines << tr("<b>Frame %1</b> — %2 %3, %4 on the wire (header %5 + payload %6)")
                     .arg(frameIndex + 1)
                     .arg(f.dir == Direction::Out ? tr("sent") : tr("received"), opcodeName(f.opcode).toHtmlEscaped(),
                         bytesCount(frameWireSize(f)), bytesCount(qint64(f.headerSize)), bytesCount(f.payloadLength));
    }
    lines << tr("FIN %1 · RSV %2%3%4 · MASK %5%6")
                 .arg(int(f.fin))
                 .arg(int(f.rsv1))
                 .arg(int(f.rsv2))
                 .arg(int(f.rsv3))
                 .arg(int(f.masked))
                 .arg(f.masked ? tr(" (key %1)")
                                     .arg(QString::fromLatin1(
                                         QByteArray(reinterpret_cast<const char*>(f.maskKey.data()), 4).toHex(' ')))
                               : QString());
    if (qint64(f.payloadLength) > f.payloadKept && !cutShort)
        lines << tr("Only %1 of the payload were kept: the record's payload budget ran out.")
                     .arg(bytesCount(qint64(f.payloadKept)));
    if (message) {
        lines << tr("Part of message %1: %2, %3 frames from frame %4, %5.")
                     .arg(f.message + 1)
                     .arg(opcodeName(message->opcode))
                     .arg(message->frameCount)
                     .arg(message->firstFrame + 1)
                     .arg(bytesCount(message->length));
        if (message->compressed) {
            const double ratio = message->length > 0 ? double(message->wireBytes) / double(message->length) : 0.0;
            lines << tr(
                "Compressed (permessage-deflate): %1 of payload on the wire inflate to %2 — %3% of the original size, "
                "%4× smaller.")
                         .arg(bytesCount(message->wireBytes), bytesCount(message->length))
                         .arg(ratio * 100.0, 0, 'f', 1)
                         .arg(ratio > 0 ? 1.0 / ratio : 0.0, 0, 'f', 2);
        }
    }
    // RSV1 is a promise of compression; what became of it comes from the record, as in the list.
    const Rsv1Reading rsv1 = readRsv1(*t, f, recorder);
    if (!rsv1.text.isEmpty()) {
        // A close reason quoted at the end brings its own full stop.
        const QString sentence = rsv1.text.endsWith(QLatin1Char('.')) ? rsv1.text : rsv1.text + QLatin1Char('.');
        lines << QStringLiteral("<b>%1</b>").arg(sentence.toHtmlEscaped());
    } else if (!message && !isControlOpcode(f.opcode) && !failure)
        lines << tr("Its message is not complete (yet).");
    if (f.opcode == 8) {
        const ClosePayload close = parseClosePayload(m_payload);
        if (close.code)
            lines << tr("<b>Close %1</b> — %2%3")
                         .arg(*close.code)
                         .arg(closeCodeName(*close.code).toHtmlEscaped(),
                             close.reason.isEmpty()
                                 ? tr(", no reason given")
                                 : tr(", reason “%1”").arg(QString::fromUtf8(close.reason).toHtmlEscaped()));
        else
            lines << tr("<b>Close</b> without a status code (reported as 1005, No Status Received).");
        if (close.violation)
            lines << tr("<span style='color:%1'>%2</span>")
                         .arg(palette::css(palette::error), close.violation->reason.toHtmlEscaped());
        const CloseRecord& record = t->close();
        const QString who = record.initiator == CloseRecord::Initiator::Local
            ? (recorder == Role::Client ? tr("the client (this side)") : tr("the server (this side)"))
            : record.initiator == CloseRecord::Initiator::Remote
            ? (recorder == Role::Client ? tr("the server") : tr("the client"))
            : tr("nobody yet");
        lines << tr("Closing started by %1. %2")
                     .arg(who,
                         record.closedTimeUs < 0 ? tr("The connection is still closing.")
                             : record.clean      ? tr("Clean close: both close frames crossed before TCP ended.")
                                            : tr("Abnormal close (1006): TCP ended without a full close handshake."));
    }
    if (const auto violation = recordedFrameViolation(*t, frameIndex, recorder)) {
        lines << tr("<span style='color:%1'><b>Violation:</b> %2 The receiver must close with %3.</span>")
                     .arg(palette::css(palette::error), violation->reason.toHtmlEscaped())
                     .arg(violation->closeCode);
        if (failure && failure->frame == frameIndex)
            lines << tr("This side failed the connection here: it sent close %1 and read nothing more (RFC 6455 "
                        "§7.1.7); %2 that arrived afterwards went unread.")
                         .arg(failure->closeCode)
                         .arg(bytesCount(failure->unreadBytes));
    }
    m_summary->setText(lines.join(QStringLiteral("<br>")));

    // Text: the whole message when there is one (that is what the application read).
    const QByteArray textBytes = m_inflated.left(kMaxTextBytes);
    if (m_textual || isValidUtf8(textBytes)) {
        QString text = QString::fromUtf8(textBytes);
        if (m_inflated.size() > kMaxTextBytes)
            text += tr("\n… (%1 more not shown)").arg(bytesCount(m_inflated.size() - kMaxTextBytes));
        if (f.opcode == 8 && m_payload.size() >= 2)
            text = QString::fromUtf8(m_payload.mid(2));
        m_text->setPlainText(text);
    } else {
        m_text->setPlainText(
            tr("(binary payload of %1 that is not UTF-8 text: see Hex or Tree)").arg(bytesCount(m_inflated.size())));
    }
    showTree();
    updateHex();
    m_header->setWireBytes(m_wire);
    m_header->resize(m_header->sizeHint()); // inside a scroll area that does not resize it
    // The diagram is never squeezed: its rows (one per four header bytes) always show in full.
    m_header->parentWidget()->parentWidget()->setMinimumHeight(m_header->sizeHint().height() + 4);
    m_headerHex->setData(m_wire.left(qMax<qsizetype>(64, f.headerSize)));
    m_headerNote->setText(tr("Click a field to highlight its bytes below."));
}

void FrameDetail::showTree()
{
    m_tree->clear();
    m_treeFormat.reset();
    m_treeRoot = {};
    if (m_frame < 0)
        return;
    const QByteArray& bytes = m_inflated;
    PayloadNode root;
    QString error;
    const int choice = m_treeChoice->currentIndex();
    auto isContainer = [](const PayloadNode& n) {
        return n.type == QLatin1String("map") || n.type == QLatin1String("array") || n.type == QLatin1String("object");
    };
    auto tryFormat = [&](PayloadFormat format, bool needContainer) {
        PayloadNode node;
        QString why;
        const bool ok = format == PayloadFormat::Json ? decodeJson(bytes, &node, &why)
            : format == PayloadFormat::MessagePack    ? decodeMessagePack(bytes, &node, &why)
                                                      : decodeCbor(bytes, &node, &why);
        // Detected blindly, a lone scalar is more likely coincidence than a MessagePack or CBOR payload.
        if (ok && (!needContainer || isContainer(node))) {
            root = node;
            m_treeFormat = format;
            return true;
        }
        if (error.isEmpty())
            error = why;
        return false;
    };
    if (choice == 0) {
        if (!(m_textual && tryFormat(PayloadFormat::Json, false))) {
            if (!m_textual)
                tryFormat(PayloadFormat::MessagePack, true) || tryFormat(PayloadFormat::Cbor, true);
        }
        if (!m_treeFormat)
            error = m_textual ? tr("The payload is not JSON.") : tr("The payload is neither MessagePack nor CBOR.");
    } else {
        tryFormat(PayloadFormat(choice - 1), false);
    }
    if (!m_treeFormat) {
        m_treeNote->setText(error);
        setTabEnabled(TreeTab, choice != 0 || bytes.size() > 0);
        return;
    }
    m_treeRoot = root;
    fillPayloadTree(m_tree, root);
    m_treeNote->setText(tr("Decoded as %1.").arg(payloadFormatName(*m_treeFormat)));
}

void FrameDetail::setHexSource(HexSource source)
{
    m_hexSource = source;
    if (m_hexChoice->currentIndex() != int(source))
        m_hexChoice->setCurrentIndex(int(source));
    updateHex();
}

void FrameDetail::updateHex()
{
    switch (m_hexSource) {
    case HexSource::Wire:
        m_hex->setData(m_wire);
        break;
    case HexSource::Payload:
        m_hex->setData(m_payload);
        break;
    case HexSource::Inflated:
        m_hex->setData(m_inflated);
        break;
    }
}

QString FrameDetail::summaryText() const
{
    QTextDocument doc;
    doc.setHtml(m_summary->text());
    return doc.toPlainText();
}

QString FrameDetail::text() const
{
    return m_text->toPlainText();
}

} // namespace wsi
