#pragma once
// An ordered list of subprotocol names (most preferred first) with add, remove and reorder.

#include <QWidget>

class QLineEdit;
class QListWidget;
class QToolButton;

namespace wsi
{

class ProtocolListEditor : public QWidget
{
    Q_OBJECT
public:
    explicit ProtocolListEditor(QWidget* parent = nullptr);

    // Replaces the list without emitting changed().
    void setProtocols(const QList<QByteArray>& protocols);
    QList<QByteArray> protocols() const;

    QListWidget* listWidget() const { return m_list; }
    QLineEdit* nameEdit() const { return m_name; }

    // Adds what is typed in the name field (commas separate several names); false when nothing was added.
    bool addTyped();
    void removeSelected();
    void moveSelected(int delta);

Q_SIGNALS:
    void changed();

private:
    void updateButtons();

    QListWidget* m_list;
    QLineEdit* m_name;
    QToolButton* m_add;
    QToolButton* m_remove;
    QToolButton* m_up;
    QToolButton* m_down;
};

} // namespace wsi
