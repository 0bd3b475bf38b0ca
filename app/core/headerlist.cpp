#include "core/headerlist.h"

namespace wsi
{

bool sameFieldName(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

void HeaderList::append(QByteArray name, QByteArray value)
{
    m_fields.append(Header { std::move(name), std::move(value) });
}

bool HeaderList::contains(QByteArrayView name) const
{
    return count(name) > 0;
}

int HeaderList::count(QByteArrayView name) const
{
    int found = 0;
    for (const Header& field : m_fields)
        found += sameFieldName(field.name, name) ? 1 : 0;
    return found;
}

QList<QByteArray> HeaderList::values(QByteArrayView name) const
{
    QList<QByteArray> found;
    for (const Header& field : m_fields) {
        if (sameFieldName(field.name, name))
            found.append(field.value);
    }
    return found;
}

QByteArray HeaderList::value(QByteArrayView name) const
{
    for (const Header& field : m_fields) {
        if (sameFieldName(field.name, name))
            return field.value;
    }
    return {};
}

QByteArray HeaderList::combined(QByteArrayView name) const
{
    const QList<QByteArray> all = values(name);
    if (all.isEmpty())
        return {};
    QByteArray joined = all.join(", ");
    // join() of a single empty value yields a null array; keep "present but empty" distinguishable.
    if (joined.isNull())
        joined = QByteArray("");
    return joined;
}

void HeaderList::set(QByteArray name, QByteArray value)
{
    const qsizetype first = [&] {
        for (qsizetype i = 0; i < m_fields.size(); ++i) {
            if (sameFieldName(m_fields[i].name, name))
                return i;
        }
        return qsizetype(-1);
    }();
    if (first < 0) {
        append(std::move(name), std::move(value));
        return;
    }
    m_fields[first] = Header { std::move(name), std::move(value) };
    for (qsizetype i = m_fields.size() - 1; i > first; --i) {
        if (sameFieldName(m_fields[i].name, m_fields[first].name))
            m_fields.removeAt(i);
    }
}

void HeaderList::removeAll(QByteArrayView name)
{
    m_fields.removeIf([&](const Header& field) { return sameFieldName(field.name, name); });
}

} // namespace wsi
