// The one list editor: the builder's subprotocols and the server form's lists.
#include "ui/widgets/listeditor.h"

#include <QLineEdit>
#include <QListWidget>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

using namespace wsi;

namespace
{
void type(ListEditor& editor, const QString& text)
{
    editor.entry()->setFocus();
    QTest::keyClicks(editor.entry(), text);
    QTest::keyClick(editor.entry(), Qt::Key_Return);
}

QToolButton* button(const ListEditor& editor, const QString& text)
{
    for (QToolButton* b : editor.findChildren<QToolButton*>()) {
        if (b->text() == text)
            return b;
    }
    return nullptr;
}
} // namespace

class TestListEditor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void typedEntriesAreAddedInOrder()
    {
        ListEditor editor;
        editor.show();
        QSignalSpy changed(&editor, &ListEditor::itemsChanged);
        type(editor, QStringLiteral("  json "));
        type(editor, QStringLiteral("msgpack"));
        QCOMPARE(editor.items(), QStringList({ QStringLiteral("json"), QStringLiteral("msgpack") }));
        QCOMPARE(changed.size(), 2);
        QCOMPARE(changed.last().at(0).toStringList(), editor.items());
        QVERIFY(editor.entry()->text().isEmpty());
    }

    void blankEntryAddsNothing()
    {
        ListEditor editor;
        QSignalSpy changed(&editor, &ListEditor::itemsChanged);
        editor.entry()->setText(QStringLiteral("   "));
        QVERIFY(!editor.addEntry());
        QVERIFY(editor.items().isEmpty());
        QCOMPARE(changed.size(), 0);
        QVERIFY(!button(editor, QStringLiteral("Add"))->isEnabled());
    }

    void duplicateSelectsTheExistingEntryUnlessAllowed()
    {
        ListEditor editor;
        editor.setItems({ QStringLiteral("a"), QStringLiteral("b") });
        QSignalSpy changed(&editor, &ListEditor::itemsChanged);
        editor.entry()->setText(QStringLiteral("a"));
        QVERIFY(!editor.addEntry());
        QCOMPARE(editor.items(), QStringList({ QStringLiteral("a"), QStringLiteral("b") }));
        QCOMPARE(editor.list()->currentRow(), 0);
        QCOMPARE(changed.size(), 0);

        editor.setAllowDuplicates(true);
        editor.entry()->setText(QStringLiteral("a"));
        QVERIFY(editor.addEntry());
        QCOMPARE(editor.items(), QStringList({ QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("a") }));
        QCOMPARE(changed.size(), 1);
    }

    void commasSplitOnlyWhenAsked()
    {
        ListEditor editor;
        editor.entry()->setText(QStringLiteral("X-A: 1, 2"));
        QVERIFY(editor.addEntry());
        QCOMPARE(editor.items(), QStringList({ QStringLiteral("X-A: 1, 2") }));

        ListEditor split;
        split.setSplitAtCommas(true);
        split.entry()->setText(QStringLiteral("chat.v2, , chat.v1"));
        QVERIFY(split.addEntry());
        QCOMPARE(split.items(), QStringList({ QStringLiteral("chat.v2"), QStringLiteral("chat.v1") }));
    }

    void reorderAndRemove()
    {
        ListEditor editor;
        editor.show();
        editor.setItems({ QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c") });
        QSignalSpy changed(&editor, &ListEditor::itemsChanged);
        editor.list()->setCurrentRow(2);
        editor.moveSelected(-1);
        QCOMPARE(editor.items(), QStringList({ QStringLiteral("a"), QStringLiteral("c"), QStringLiteral("b") }));
        QCOMPARE(editor.list()->currentRow(), 1);
        editor.moveSelected(-5); // out of range: nothing moves
        QCOMPARE(changed.size(), 1);
        editor.removeSelected();
        QCOMPARE(editor.items(), QStringList({ QStringLiteral("a"), QStringLiteral("b") }));
        QCOMPARE(changed.size(), 2);
    }

    void unorderedHidesTheArrows()
    {
        ListEditor editor;
        editor.show();
        int arrows = 0;
        for (QToolButton* b : editor.findChildren<QToolButton*>())
            arrows += b->arrowType() != Qt::NoArrow && b->isVisible();
        QCOMPARE(arrows, 2);
        editor.setOrdered(false);
        QVERIFY(!editor.isOrdered());
        arrows = 0;
        for (QToolButton* b : editor.findChildren<QToolButton*>())
            arrows += b->arrowType() != Qt::NoArrow && b->isVisible();
        QCOMPARE(arrows, 0);
    }

    void editingAnEntryToNothingRemovesIt()
    {
        ListEditor editor;
        editor.setItems({ QStringLiteral("a"), QStringLiteral("b") });
        QSignalSpy changed(&editor, &ListEditor::itemsChanged);
        editor.list()->item(0)->setText(QStringLiteral("  "));
        QCOMPARE(editor.items(), QStringList({ QStringLiteral("b") }));
        QCOMPARE(changed.size(), 1);
        editor.list()->item(0)->setText(QStringLiteral("c"));
        QCOMPARE(changed.last().at(0).toStringList(), QStringList({ QStringLiteral("c") }));
    }

    void setItemsIsSilent()
    {
        ListEditor editor;
        QSignalSpy changed(&editor, &ListEditor::itemsChanged);
        editor.setItems({ QStringLiteral("a") });
        editor.setItems({});
        QCOMPARE(changed.size(), 0);
    }
};

QTEST_MAIN(TestListEditor)
#include "tst_listeditor.moc"
