#pragma once
// Sends frames on the client session: text, binary (typed as hex), ping, pong and close, split into
// fragments and compressed when asked; and, in the advanced area, frames that deliberately break the
// protocol (RSV bits, any opcode, unmasked, invalid UTF-8), each with a sentence of what the peer must do.
//
// Keys: Ctrl+Return (or Ctrl+Enter on the keypad) sends while the focus is in the composer; elsewhere
// in the window Ctrl+Return keeps its meaning, Connect. Up on the first line of the message and Down on its
// last line walk through the messages sent before, as a shell's history does.
//
// After a send the message text is cleared (the history keeps it) and deliberate violations are disarmed, so
// the next send is an ordinary one unless asked again. Compress starts as the session negotiated it.

#include "core/frame.h"
#include "core/hexbytes.h"
#include "core/protocol.h"
#include "core/receiververdict.h"
#include "engine/clientsession.h"

#include <QByteArray>
#include <QPointer>
#include <QWidget>
#include <optional>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace wsi
{

class ClientSession;

struct ComposeRequest {
    enum class Kind { Text, Binary, Ping, Pong, Close };
    Kind kind = Kind::Text;
    QByteArray payload; // text as UTF-8, or the bytes the hex stood for
    int fragments = 1;
    bool compress = false;
    quint16 closeCode = 1000;
    QByteArray closeReason;
    // The advanced area: frames are then built one by one exactly as described.
    bool advanced = false;
    bool rsv1 = false, rsv2 = false, rsv3 = false;
    int opcode = -1; // -1: the kind's own opcode
    bool unmasked = false;
    bool invalidUtf8 = false; // appends bytes that are not UTF-8 to a text payload
};

// The frames the request puts on the wire, as the client writes them: a message split as
// Endpoint::sendMessage splits it (compressed with a fresh context when `deflate` is set and asked for),
// or, in the advanced area, built one by one exactly as described.
QList<OutgoingFrame> composedFrames(const ComposeRequest& request, const std::optional<DeflateParams>& deflate);
// What the server does on receiving them: our own receiver's verdict (receiverVerdict), nullopt when
// it takes them.
std::optional<ProtocolViolation> expectedPeerViolation(
    const ComposeRequest& request, const std::optional<DeflateParams>& deflate);
// Sends the request on an open session; false with a sentence when it could not.
bool sendComposed(ClientSession& session, const ComposeRequest& request, QString* error = nullptr);

class Composer : public QWidget
{
    Q_OBJECT
public:
    explicit Composer(QWidget* parent = nullptr);

    void setSession(ClientSession* session); // null disables sending
    ClientSession* session() const { return m_session; }

    // The request the form describes; nullopt with a sentence when it cannot be built (bad hex).
    std::optional<ComposeRequest> request(QString* error = nullptr) const;
    void setRequest(const ComposeRequest& request);

    // Widgets the window's tests drive.
    QComboBox* kindBox() const { return m_kind; }
    QPlainTextEdit* payloadEdit() const { return m_payload; }
    QSpinBox* fragmentsBox() const { return m_fragments; }
    QCheckBox* compressBox() const { return m_compress; }
    QSpinBox* closeCodeBox() const { return m_closeCode; }
    QLineEdit* closeReasonEdit() const { return m_closeReason; }
    QGroupBox* advancedBox() const { return m_advanced; }
    QCheckBox* rsvBox(int n) const;
    QComboBox* opcodeBox() const { return m_opcode; }
    QCheckBox* unmaskedBox() const { return m_unmasked; }
    QCheckBox* invalidUtf8Box() const { return m_invalidUtf8; }
    QLabel* warningLabel() const { return m_warning; }
    QLabel* noteLabel() const { return m_note; }
    QListWidget* history() const { return m_history; }
    QCheckBox* autoPongBox() const { return m_autoPong; }
    QSpinBox* pingEveryBox() const { return m_pingEvery; }
    QLabel* rttLabel() const { return m_rtt; }
    QPushButton* sendButton() const { return m_send; }

public Q_SLOTS:
    bool send();

Q_SIGNALS:
    void sent(const QString& summary);
    void failed(const QString& error);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void updateForm();
    void sessionChanged();
    // Steps through the sent messages from the message box: -1 older, +1 newer; false when there is none.
    bool recallHistory(int step);

    QPointer<ClientSession> m_session;
    QList<ComposeRequest> m_sentRequests;
    int m_recalled = -1; // index into m_sentRequests shown by Up/Down, -1 while editing a new message
    QString m_draft; // the message being typed before Up recalled an older one
    bool m_wasOpen = false; // the session was open at the last phase change
    QComboBox* m_kind;
    QPlainTextEdit* m_payload;
    QSpinBox* m_fragments;
    QCheckBox* m_compress;
    QWidget* m_closeRow;
    QSpinBox* m_closeCode;
    QLineEdit* m_closeReason;
    QGroupBox* m_advanced;
    QCheckBox* m_rsv[3];
    QComboBox* m_opcode;
    QCheckBox* m_unmasked;
    QCheckBox* m_invalidUtf8;
    QLabel* m_warning;
    QLabel* m_note;
    QLabel* m_error;
    QPushButton* m_send;
    QListWidget* m_history;
    QCheckBox* m_autoPong;
    QSpinBox* m_pingEvery;
    QLabel* m_rtt;
};

} // namespace wsi
