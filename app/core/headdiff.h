#pragma once
// Two HTTP heads compared line by line, the way a person compares two attempts: the start lines, then the
// header fields matched by name (the n-th "Cookie" of one with the n-th "Cookie" of the other), so that a
// changed value reads as one changed line rather than a removal and an addition.

#include <QByteArray>
#include <QList>

namespace wsi
{

struct HeadLineDiff {
    enum class Kind : quint8 { Same, Changed, OnlyFirst, OnlySecond };
    Kind kind = Kind::Same;
    QByteArray first, second; // the line in each head (empty on the side that lacks it)
};

// Lines end at CRLF or LF; the heads end at their first empty line (a body after it is compared as one line
// "body: N bytes" when the bodies differ). Bytes that are not HTTP compare as plain lines.
QList<HeadLineDiff> diffHeads(QByteArrayView first, QByteArrayView second);
// True when at least one line differs.
bool headsDiffer(const QList<HeadLineDiff>& diff);

// Two lists of lines (decision steps, timelines) compared position by position.
QList<HeadLineDiff> diffLines(const QList<QByteArray>& first, const QList<QByteArray>& second);

} // namespace wsi
