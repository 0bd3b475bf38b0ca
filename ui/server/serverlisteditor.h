#pragma once
// A short, ordered list of strings the user can add to, edit, reorder and remove from: the server
// panel's subprotocol list (order = preference) and origin allowlist.

#include <QStringList>
#include <QWidget>

class QLineEdit;
class QListWidget;
class QToolButton;

namespace wsi
{

class ServerListEditor : public QWidget
{
    Q_OBJECT
public:
    explicit ServerListEditor(QWidget* parent = nullptr);

    QStringList items() const;
    void setItems(const QStringList& items); // does not emit itemsChanged
    void setPlaceholderText(const QString& text);
    void setOrdered(bool ordered); // shows the up/down buttons when order matters

    // The parts, for keyboard-free tests and accessibility names.
    QLineEdit* entry() const { return m_entry; }
    QListWidget* list() const { return m_list; }

public Q_SLOTS:
    void addEntry(); // adds the entry field's text (if new and not empty)
    void removeSelected();
    void moveSelected(int delta);

Q_SIGNALS:
    void itemsChanged(const QStringList& items);

private:
    void updateButtons();
    void emitChanged();

    QLineEdit* m_entry = nullptr;
    QListWidget* m_list = nullptr;
    QToolButton* m_add = nullptr;
    QToolButton* m_remove = nullptr;
    QToolButton* m_up = nullptr;
    QToolButton* m_down = nullptr;
    bool m_updating = false;
};

} // namespace wsi
