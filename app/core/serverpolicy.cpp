#include "core/serverpolicy.h"

#include "core/policyschema.h"

namespace wsi
{

QJsonObject ServerPolicy::toJson() const
{
    return policyToJson(*this);
}

std::optional<ServerPolicy> ServerPolicy::fromJson(const QJsonObject& json, QString* error)
{
    return policyFromJson(json, error);
}

bool ServerPolicy::operator==(const ServerPolicy& other) const
{
    return samePolicy(*this, other);
}

} // namespace wsi
