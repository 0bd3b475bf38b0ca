#pragma once
// A short list of strings the user can add to, edit in place, remove from and, when order matters,
// reorder: the builder's offered subprotocols, the server's subprotocols (order = preference),
// origin allowlist and extra response headers.

#include <QStringList>
#include <QWidget>

class QLineEdit;
class QListWidget;
class QToolButton;

namespace wsi
{

class ListEditor : public QWidget
{
    Q_OBJECT
public:
    explicit ListEditor(QWidget* parent = nullptr);

    QStringList items() const;
    void setItems(const QStringList& items); // does not emit itemsChanged

    void setPlaceholderText(const QString& text);
    // Shows the up/down buttons: the order is part of the value (preference). On by default.
    void setOrdered(bool ordered);
    bool isOrdered() const { return m_ordered; }
    // Typing "a, b" adds two entries. Off by default (a header value may hold commas).
    void setSplitAtCommas(bool split) { m_splitAtCommas = split; }
    // Off by default: adding an entry that is already there selects it instead.
    void setAllowDuplicates(bool allow) { m_allowDuplicates = allow; }

    // The parts, for keyboard-free tests and accessibility names.
    QLineEdit* entry() const { return m_entry; }
    QListWidget* list() const { return m_list; }

public Q_SLOTS:
    // Adds the entry field's text at the end of the list; false when nothing was added.
    bool addEntry();
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
    bool m_ordered = true;
    bool m_splitAtCommas = false;
    bool m_allowDuplicates = false;
    bool m_updating = false;
};

} // namespace wsi
