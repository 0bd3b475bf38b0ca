#pragma once
// Everything about one frame: a summary (message, compression ratio, close code, what is wrong),
// its payload as text, as a JSON / MessagePack / CBOR tree, as hex (wire, payload or inflated), and its
// header bit by bit with the clicked field highlighted in the wire bytes.

#include "core/protocol.h"
#include "core/transcript.h"
#include "ui/frames/payloadtree.h"

#include <QTabWidget>
#include <optional>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QTreeWidget;

namespace wsi
{

class FrameHeaderView;
class HexView;

class FrameDetail : public QTabWidget
{
    Q_OBJECT
public:
    enum Tab { SummaryTab, TextTab, TreeTab, HexTab, HeaderTab };
    enum class HexSource { Wire, Payload, Inflated };

    explicit FrameDetail(QWidget* parent = nullptr);

    // Shows frame `frameIndex` of `transcript` (which must outlive the call only); -1 clears.
    void showFrame(const Transcript* transcript, int frameIndex, Role recorder = Role::Client);
    void clear();
    int frameIndex() const { return m_frame; }

    void setHexSource(HexSource source);
    HexSource hexSource() const { return m_hexSource; }

    // What the views show, for the window's tests.
    QString summaryText() const;
    QString text() const;
    std::optional<PayloadFormat> treeFormat() const { return m_treeFormat; }
    const PayloadNode& treeRoot() const { return m_treeRoot; }
    QTreeWidget* tree() const { return m_tree; }
    HexView* hexView() const { return m_hex; }
    FrameHeaderView* headerView() const { return m_header; }
    HexView* headerHexView() const { return m_headerHex; }
    QByteArray wireBytes() const { return m_wire; }
    QByteArray payload() const { return m_payload; } // the frame's payload as on the wire (unmasked)
    QByteArray inflated() const { return m_inflated; } // its message's payload, when the message is complete

private:
    void showTree();
    void updateHex();

    QLabel* m_summary;
    QPlainTextEdit* m_text;
    QComboBox* m_treeChoice;
    QLabel* m_treeNote;
    QTreeWidget* m_tree;
    QComboBox* m_hexChoice;
    HexView* m_hex;
    FrameHeaderView* m_header;
    HexView* m_headerHex;
    QLabel* m_headerNote;

    int m_frame = -1;
    bool m_textual = false;
    QByteArray m_wire, m_payload, m_inflated;
    bool m_hasMessage = false;
    HexSource m_hexSource = HexSource::Payload;
    std::optional<PayloadFormat> m_treeFormat;
    PayloadNode m_treeRoot;
};

} // namespace wsi
