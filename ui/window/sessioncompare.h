#pragma once
// Two sessions of the history side by side: where each got to, the two requests and the two responses
// diffed line by line (core's diffHeads), and what the server decided differently.

#include "ui/exchange/exchangeview.h"

#include <QWidget>

class QTextBrowser;

namespace wsi
{

struct ComparedSession {
    QString title; // "#3 ws://127.0.0.1:4000/chat"
    Exchange exchange;
    QList<DecisionStep> serverSteps; // empty when the server's decision is not known
};

class SessionCompareWindow : public QWidget
{
    Q_OBJECT
public:
    explicit SessionCompareWindow(QWidget* parent = nullptr);
    void compare(const ComparedSession& first, const ComparedSession& second);
    QString plainText() const; // what the window shows, for copying and tests

private:
    QTextBrowser* m_view;
};

} // namespace wsi
