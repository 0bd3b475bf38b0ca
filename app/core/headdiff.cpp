#include "core/headdiff.h"

namespace wsi
{

namespace
{
struct SplitHead {
    QList<QByteArray> lines; // start line first
    QByteArray body;
};

SplitHead split(QByteArrayView bytes)
{
    SplitHead head;
    qsizetype pos = 0;
    while (pos < bytes.size()) {
        qsizetype end = bytes.indexOf('\n', pos);
        const bool last = end < 0;
        if (last)
            end = bytes.size();
        QByteArrayView line = bytes.sliced(pos, end - pos);
        if (line.endsWith('\r'))
            line.chop(1);
        pos = last ? end : end + 1;
        if (line.isEmpty()) {
            head.body = bytes.sliced(pos).toByteArray();
            break;
        }
        head.lines.append(line.toByteArray());
    }
    return head;
}

QByteArray fieldName(const QByteArray& line)
{
    const qsizetype colon = line.indexOf(':');
    return colon > 0 ? line.left(colon).trimmed().toLower() : QByteArray();
}

HeadLineDiff compared(const QByteArray& a, const QByteArray& b)
{
    return { a == b ? HeadLineDiff::Kind::Same : HeadLineDiff::Kind::Changed, a, b };
}
} // namespace

QList<HeadLineDiff> diffHeads(QByteArrayView first, QByteArrayView second)
{
    const SplitHead a = split(first);
    const SplitHead b = split(second);
    QList<HeadLineDiff> out;
    if (!a.lines.isEmpty() || !b.lines.isEmpty())
        out.append(compared(a.lines.value(0), b.lines.value(0)));
    QList<bool> used(qMax<qsizetype>(b.lines.size(), 1), false);
    for (qsizetype i = 1; i < a.lines.size(); ++i) {
        const QByteArray name = fieldName(a.lines.at(i));
        qsizetype match = -1;
        for (qsizetype j = 1; j < b.lines.size() && match < 0; ++j) {
            if (!used.at(j) && (name.isEmpty() ? b.lines.at(j) == a.lines.at(i) : fieldName(b.lines.at(j)) == name))
                match = j;
        }
        if (match < 0) {
            out.append({ HeadLineDiff::Kind::OnlyFirst, a.lines.at(i), {} });
            continue;
        }
        used[match] = true;
        out.append(compared(a.lines.at(i), b.lines.at(match)));
    }
    for (qsizetype j = 1; j < b.lines.size(); ++j) {
        if (!used.at(j))
            out.append({ HeadLineDiff::Kind::OnlySecond, {}, b.lines.at(j) });
    }
    if (a.body != b.body) {
        auto describe = [](const QByteArray& body) { return "body: " + QByteArray::number(body.size()) + " bytes"; };
        out.append({ HeadLineDiff::Kind::Changed, describe(a.body), describe(b.body) });
    }
    return out;
}

bool headsDiffer(const QList<HeadLineDiff>& diff)
{
    for (const HeadLineDiff& d : diff) {
        if (d.kind != HeadLineDiff::Kind::Same)
            return true;
    }
    return false;
}

QList<HeadLineDiff> diffLines(const QList<QByteArray>& first, const QList<QByteArray>& second)
{
    QList<HeadLineDiff> out;
    for (qsizetype i = 0; i < qMax(first.size(), second.size()); ++i) {
        if (i >= first.size())
            out.append({ HeadLineDiff::Kind::OnlySecond, {}, second.at(i) });
        else if (i >= second.size())
            out.append({ HeadLineDiff::Kind::OnlyFirst, first.at(i), {} });
        else
            out.append(compared(first.at(i), second.at(i)));
    }
    return out;
}

} // namespace wsi
