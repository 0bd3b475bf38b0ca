#pragma once
// The frames list: one row per FrameRecord of a Transcript, computed on demand so a million rows cost
// the record and nothing more. The transcript is written by the engine on the same thread; the model
// notices new frames on a short timer and inserts them in one batch, so a firehose of frames costs the
// view one insert per tick, not one per frame.

#include "core/frame.h"
#include "core/protocol.h"
#include "core/transcript.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>

namespace wsi
{

// What RSV1 on a recorded frame turned out to mean. RSV1 only promises a compressed message; the record says
// whether one was inflated (the frame's message, marked compressed), and otherwise why not: the handshake
// negotiated no compression, the bit sits on a frame that cannot carry it, the receiver closed the connection
// before the message was complete (its close code and reason say why), or the message is still open.
struct Rsv1Reading {
    enum class Kind { NotSet, Inflated, NotNegotiated, WrongFrame, NotInflated, Incomplete };
    Kind kind = Kind::NotSet;
    QString text; // one sentence for the list and the detail; empty for NotSet and Inflated
    bool compressedPayload() const { return kind == Kind::Inflated; }
};
// `recorder`: the role of the endpoint that recorded `t` (it received the frames marked In).
Rsv1Reading readRsv1(const Transcript& t, const FrameRecord& frame, Role recorder);

class FramesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Index, Time, Delta, Dir, Opcode, Fin, Rsv, Mask, Length, Message, Preview, Count };
    enum Roles {
        SortRole = Qt::UserRole, // a number (or the text) that orders the column
        FrameIndexRole, // index into transcript().frames()
        TimeUsRole, // µs since the first recorded frame (Time) or since the previous frame (Delta)
        ViolationRole, // the violation() sentence, empty when none
    };

    explicit FramesModel(QObject* parent = nullptr);

    // The record to show; null shows nothing. `owner` (optional) is the object that owns the transcript:
    // when it is destroyed the model lets go instead of reading freed memory.
    void setTranscript(const Transcript* transcript, Role recorder = Role::Client, QObject* owner = nullptr);
    const Transcript* transcript() const { return m_transcript; }
    Role recorder() const { return m_recorder; }
    // From the record's handshake, so a session that negotiates later is judged right.
    bool deflateNegotiated() const;
    // What the core's frame rules (frameHeaderViolation) say about the frame, seen from its receiver;
    // nullopt when valid. `recorder` decides who sent it: sent frames are the recorder's own.
    std::optional<ProtocolViolation> violation(int frameIndex) const;

    // Frames before the current end are hidden from now on ("clear" without touching the record).
    void clearShown();
    int firstShownFrame() const { return m_base; }

    // Poll period for new frames; 0 stops polling (call refresh() yourself). Under a flood (a batch of
    // kFloodRows or more) polling slows to twice the period until the flow calms down: each batch then
    // replaces every visible row anyway, and each insert costs the view work in proportion to all rows.
    void setRefreshInterval(int ms);
    int currentRefreshInterval() const { return m_timer.isActive() ? m_timer.interval() : 0; }
    static constexpr int kFloodRows = 1000;
    // Takes in the frames added since the last call: one beginInsertRows for all of them.
    void refresh();

    const FrameRecord* frameAt(int row) const;
    int frameIndexAt(int row) const { return m_base + row; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    // After each batch insert, with the number of rows added.
    void rowsArrived(int count);

private:
    QString preview(const FrameRecord& frame) const;
    QString payloadPreview(const FrameRecord& frame, const QByteArray& bytes, quint64 total, bool textual) const;
    QString lengthText(const FrameRecord& frame) const;
    void adaptRefreshInterval(int added);

    const Transcript* m_transcript = nullptr;
    QPointer<QObject> m_owner;
    bool m_hasOwner = false;
    Role m_recorder = Role::Client;
    int m_base = 0;
    int m_rows = 0;
    int m_refreshMs = 0;
    QTimer m_timer;
};

} // namespace wsi
