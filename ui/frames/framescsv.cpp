#include "ui/frames/framescsv.h"

#include "core/frame.h"
#include "core/wirebytes.h"
#include "ui/frames/framesfiltermodel.h"

#include <QIODevice>

namespace wsi
{

namespace
{
QString csvField(QString text)
{
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) || text.contains(QLatin1Char('\n'))) {
        text.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        return QLatin1Char('"') + text + QLatin1Char('"');
    }
    return text;
}

} // namespace

void writeFramesCsv(const FramesFilterModel& shown, QIODevice& out)
{
    const FramesModel* source = shown.sourceModel();
    if (!source)
        return;
    const FramesModel& model = *source;
    out.write("index,time_us,delta_us,direction,opcode,fin,rsv1,rsv2,rsv3,mask,length,message,preview,wire_bytes\n");
    const int rows = shown.rowCount();
    QByteArray buffer;
    for (int row = 0; row < rows; ++row) {
        const int sourceRow = shown.sourceRow(row);
        const FrameRecord* f = model.frameAt(sourceRow);
        if (!f)
            continue;
        const QModelIndex time = model.index(sourceRow, FramesModel::Time);
        const QModelIndex delta = model.index(sourceRow, FramesModel::Delta);
        const QStringList fields {
            QString::number(model.data(time, FramesModel::FrameIndexRole).toInt() + 1),
            QString::number(model.data(time, FramesModel::TimeUsRole).toLongLong()),
            QString::number(model.data(delta, FramesModel::TimeUsRole).toLongLong()),
            f->dir == Direction::Out ? QStringLiteral("sent") : QStringLiteral("received"), opcodeName(f->opcode),
            QString::number(int(f->fin)), QString::number(int(f->rsv1)), QString::number(int(f->rsv2)),
            QString::number(int(f->rsv3)), QString::number(int(f->masked)), QString::number(f->payloadLength),
            f->message >= 0 ? QString::number(f->message + 1) : QString(),
            csvField(model.index(sourceRow, FramesModel::Preview).data().toString()),
            QString::number(frameWireSize(*f)), // last: columns are added, never moved
        };
        buffer += fields.join(QLatin1Char(',')).toUtf8();
        buffer += '\n';
        if (buffer.size() > (1 << 20)) {
            out.write(buffer);
            buffer.clear();
        }
    }
    out.write(buffer);
}

} // namespace wsi
