#include "core/deflatenegotiation.h"

#include <algorithm>

namespace wsi
{

namespace
{

constexpr QByteArrayView kServerNoContextTakeover = "server_no_context_takeover";
constexpr QByteArrayView kClientNoContextTakeover = "client_no_context_takeover";
constexpr QByteArrayView kServerMaxWindowBits = "server_max_window_bits";
constexpr QByteArrayView kClientMaxWindowBits = "client_max_window_bits";

enum class Side { Offer, Response };

// The permessage-deflate parameters of one offer or response, once they passed validation.
struct DeflateReading {
    bool serverNoContextTakeover = false;
    bool clientNoContextTakeover = false;
    std::optional<int> serverMaxWindowBits;
    bool hasClientMaxWindowBits = false;
    std::optional<int> clientMaxWindowBits;
};

struct ReadingResult {
    std::optional<DeflateReading> reading;
    QString problem;
};

QString quote(QByteArrayView text)
{
    return QLatin1Char('"') + QString::fromLatin1(text) + QLatin1Char('"');
}

// 8..15 as plain decimal without leading zeros (RFC 7692 §7.1.2.1 ABNF: %x38-39 / "1" %x30-35).
std::optional<int> windowBits(const std::optional<QByteArray>& value)
{
    if (!value)
        return std::nullopt;
    const QByteArray& text = *value;
    if (text.size() == 1 && text[0] >= '8' && text[0] <= '9')
        return text[0] - '0';
    if (text.size() == 2 && text[0] == '1' && text[1] >= '0' && text[1] <= '5')
        return 10 + text[1] - '0';
    return std::nullopt;
}

// Applies one parameter to the reading; returns a problem sentence when it is not acceptable.
QString readParam(const ExtensionParam& param, Side side, DeflateReading& reading)
{
    const auto noValue = [&](bool& flag, const char* section) {
        if (param.value)
            return QStringLiteral("%1 must not have a value (RFC 7692 %2)")
                .arg(quote(param.name), QString::fromUtf8(section));
        flag = true;
        return QString();
    };
    if (param.name == kServerNoContextTakeover)
        return noValue(reading.serverNoContextTakeover, "§7.1.1.1");
    if (param.name == kClientNoContextTakeover)
        return noValue(reading.clientNoContextTakeover, "§7.1.1.2");
    if (param.name == kServerMaxWindowBits) {
        reading.serverMaxWindowBits = windowBits(param.value);
        if (!reading.serverMaxWindowBits)
            return QStringLiteral("server_max_window_bits needs a value from 8 to 15 without leading zeros, got %1 "
                                  "(RFC 7692 §7.1.2.1)")
                .arg(param.value ? quote(*param.value) : QStringLiteral("none"));
        return {};
    }
    if (param.name == kClientMaxWindowBits) {
        reading.hasClientMaxWindowBits = true;
        reading.clientMaxWindowBits = windowBits(param.value);
        const bool valueRequired = side == Side::Response;
        if ((param.value || valueRequired) && !reading.clientMaxWindowBits)
            return QStringLiteral("client_max_window_bits needs a value from 8 to 15 without leading zeros%1, got %2 "
                                  "(RFC 7692 §7.1.2.2)")
                .arg(valueRequired ? QStringLiteral(" in a response") : QString(),
                    param.value ? quote(*param.value) : QStringLiteral("none"));
        return {};
    }
    return QStringLiteral("unknown parameter %1 (RFC 7692 §7)").arg(quote(param.name));
}

ReadingResult readDeflate(const Extension& extension, Side side)
{
    DeflateReading reading;
    for (qsizetype i = 0; i < extension.params.size(); ++i) {
        const ExtensionParam& param = extension.params[i];
        const bool repeated = std::any_of(extension.params.begin(), extension.params.begin() + i,
            [&](const ExtensionParam& earlier) { return earlier.name == param.name; });
        if (repeated)
            return { std::nullopt,
                QStringLiteral("parameter %1 appears more than once (RFC 7692 §7)").arg(quote(param.name)) };
        QString problem = readParam(param, side, reading);
        if (!problem.isEmpty())
            return { std::nullopt, problem };
    }
    return { reading, {} };
}

void addParam(Extension& extension, QByteArrayView name, std::optional<int> value = std::nullopt)
{
    ExtensionParam param { name.toByteArray(), std::nullopt, false };
    if (value)
        param.value = QByteArray::number(*value);
    extension.params.append(std::move(param));
}

// The response to an acceptable offer under `config`, with the parameters both ends will apply.
DeflateAcceptance acceptOffer(const DeflateReading& offer, const DeflateServerConfig& config)
{
    DeflateAcceptance result;
    result.accepted = true;
    result.response.name = kPermessageDeflate.toByteArray();
    DeflateParams& params = result.params;
    // §7.1.1.1 / §7.1.1.2: the server may add either no_context_takeover on its own.
    params.serverNoContextTakeover = offer.serverNoContextTakeover || config.serverNoContextTakeover;
    params.clientNoContextTakeover = offer.clientNoContextTakeover || config.clientNoContextTakeover;
    if (params.serverNoContextTakeover)
        addParam(result.response, kServerNoContextTakeover);
    if (params.clientNoContextTakeover)
        addParam(result.response, kClientNoContextTakeover);
    // §7.1.2.1: answer with the same or a smaller value; announce our own limit unasked.
    params.serverMaxWindowBits = std::min(offer.serverMaxWindowBits.value_or(15), config.serverMaxWindowBits);
    if (offer.serverMaxWindowBits || params.serverMaxWindowBits < 15)
        addParam(result.response, kServerMaxWindowBits, params.serverMaxWindowBits);
    // §7.1.2.2: a client that offered client_max_window_bits=N will not exceed N either way.
    params.clientMaxWindowBits = std::min(offer.clientMaxWindowBits.value_or(15), config.clientMaxWindowBits);
    if (offer.hasClientMaxWindowBits && config.clientMaxWindowBits < 15)
        addParam(result.response, kClientMaxWindowBits, params.clientMaxWindowBits);
    return result;
}

// What the server changed relative to the offer, so the trace explains the response.
QStringList acceptanceNotes(const DeflateReading& offer, const DeflateServerConfig& config, const DeflateParams& params)
{
    QStringList notes;
    if (config.serverNoContextTakeover && !offer.serverNoContextTakeover)
        notes.append(QStringLiteral("server_no_context_takeover added by this server's configuration (§7.1.1.1)"));
    if (config.clientNoContextTakeover && !offer.clientNoContextTakeover)
        notes.append(QStringLiteral("client_no_context_takeover added by this server's configuration (§7.1.1.2)"));
    if (offer.serverMaxWindowBits && params.serverMaxWindowBits < *offer.serverMaxWindowBits)
        notes.append(QStringLiteral("server_max_window_bits lowered from the offered %1 to %2 (§7.1.2.1)")
                         .arg(*offer.serverMaxWindowBits)
                         .arg(params.serverMaxWindowBits));
    else if (!offer.serverMaxWindowBits && params.serverMaxWindowBits < 15)
        notes.append(QStringLiteral("server_max_window_bits=%1 announced because this server limits its own window "
                                    "(§7.1.2.1)")
                         .arg(params.serverMaxWindowBits));
    if (offer.hasClientMaxWindowBits && config.clientMaxWindowBits < 15)
        notes.append(
            QStringLiteral("the client's window limited to %1 bits (§7.1.2.2)").arg(params.clientMaxWindowBits));
    return notes;
}

QString offerLabel(qsizetype index, const Extension& offer)
{
    return QStringLiteral("Offer %1 (%2)").arg(index + 1).arg(QString::fromLatin1(serializeExtensions({ offer })));
}

// Why `response` cannot be the answer to `offer`, or an empty string when it can.
QString mismatch(const DeflateReading& response, const DeflateReading& offer)
{
    if (offer.serverNoContextTakeover && !response.serverNoContextTakeover)
        return QStringLiteral("the offer requested server_no_context_takeover and the response does not confirm it "
                              "(RFC 7692 §7.1.1.1)");
    if (offer.serverMaxWindowBits && !response.serverMaxWindowBits)
        return QStringLiteral("the offer requested server_max_window_bits=%1 and the response does not confirm it "
                              "(RFC 7692 §7.1.2.1)")
            .arg(*offer.serverMaxWindowBits);
    if (offer.serverMaxWindowBits && *response.serverMaxWindowBits > *offer.serverMaxWindowBits)
        return QStringLiteral("server_max_window_bits=%1 is larger than the offered %2 (RFC 7692 §7.1.2.1)")
            .arg(*response.serverMaxWindowBits)
            .arg(*offer.serverMaxWindowBits);
    if (response.hasClientMaxWindowBits && !offer.hasClientMaxWindowBits)
        return QStringLiteral("client_max_window_bits is in the response but was not offered (RFC 7692 §7.1.2.2)");
    if (response.clientMaxWindowBits && offer.clientMaxWindowBits
        && *response.clientMaxWindowBits > *offer.clientMaxWindowBits)
        return QStringLiteral("client_max_window_bits=%1 is larger than the offered %2 (RFC 7692 §7.1.2.2)")
            .arg(*response.clientMaxWindowBits)
            .arg(*offer.clientMaxWindowBits);
    return {};
}

DeflateParams negotiatedParams(const DeflateReading& response, const DeflateReading& offer)
{
    DeflateParams params;
    params.serverNoContextTakeover = response.serverNoContextTakeover;
    // An offered client_no_context_takeover is a promise that holds even if the server omits it.
    params.clientNoContextTakeover = response.clientNoContextTakeover || offer.clientNoContextTakeover;
    params.serverMaxWindowBits = response.serverMaxWindowBits.value_or(15);
    params.clientMaxWindowBits = response.clientMaxWindowBits.value_or(offer.clientMaxWindowBits.value_or(15));
    return params;
}

} // namespace

Extension makeDeflateOffer(const DeflateOffer& offer)
{
    Extension extension { kPermessageDeflate.toByteArray(), {} };
    if (offer.serverNoContextTakeover)
        addParam(extension, kServerNoContextTakeover);
    if (offer.clientNoContextTakeover)
        addParam(extension, kClientNoContextTakeover);
    if (offer.serverMaxWindowBits)
        addParam(extension, kServerMaxWindowBits, offer.serverMaxWindowBits);
    if (offer.offerClientMaxWindowBits || offer.clientMaxWindowBits)
        addParam(extension, kClientMaxWindowBits, offer.clientMaxWindowBits);
    return extension;
}

DeflateAcceptance acceptDeflate(const QList<Extension>& offers, const DeflateServerConfig& config)
{
    using Verdict = DeflateOfferOutcome::Verdict;
    DeflateAcceptance result;
    QList<DeflateOfferOutcome> outcomes;
    const auto add = [&outcomes](Verdict verdict, qsizetype index, QString text, const char* rfc) {
        outcomes.append(DeflateOfferOutcome { verdict, index, std::move(text), QLatin1String(rfc) });
    };
    for (qsizetype i = 0; i < offers.size(); ++i) {
        const QString label = offerLabel(i, offers[i]);
        if (offers[i].name != kPermessageDeflate) {
            add(Verdict::Ignored, i,
                label
                    + QStringLiteral(" ignored: not permessage-deflate, which is the only extension "
                                     "negotiated here."),
                "RFC 6455 §9.1");
        } else if (!config.enabled) {
            add(Verdict::Declined, i,
                label
                    + QStringLiteral(" declined: permessage-deflate is disabled on this server; "
                                     "declining means leaving it out of the response (RFC 7692 §7)."),
                "RFC 7692 §7");
        } else if (result.accepted) {
            add(Verdict::NotConsidered, i,
                label
                    + QStringLiteral(" not considered: an earlier permessage-deflate offer was "
                                     "accepted, and only one can be in use (RFC 7692 §5)."),
                "RFC 7692 §5");
        } else if (const ReadingResult reading = readDeflate(offers[i], Side::Offer); !reading.reading) {
            add(Verdict::Declined, i,
                label + QStringLiteral(" declined: ") + reading.problem
                    + QStringLiteral("; the next offer is considered."),
                "RFC 7692 §7.1");
        } else if (config.clientMaxWindowBits < 15 && !reading.reading->hasClientMaxWindowBits) {
            add(Verdict::Declined, i,
                label
                    + QStringLiteral(" declined: this server needs the client's window limited to %1 bits, and "
                                     "without client_max_window_bits the offer does not allow that (RFC 7692 "
                                     "§7.1.2.2).")
                          .arg(config.clientMaxWindowBits),
                "RFC 7692 §7.1.2.2");
        } else {
            result = acceptOffer(*reading.reading, config);
            const QStringList notes = acceptanceNotes(*reading.reading, config, result.params);
            add(Verdict::Accepted, i,
                label
                    + QStringLiteral(" accepted: the response is \"%1\"%2 (RFC 7692 §7.1).")
                          .arg(QString::fromLatin1(serializeExtensions({ result.response })),
                              notes.isEmpty() ? QString() : QStringLiteral("; ") + notes.join(QStringLiteral("; "))),
                "RFC 7692 §7.1");
        }
    }
    result.outcomes = std::move(outcomes);
    return result;
}

QStringList DeflateAcceptance::sentences() const
{
    QStringList out;
    for (const DeflateOfferOutcome& o : outcomes)
        out.append(o.text);
    return out;
}

DeflateResponseCheck validateDeflateResponse(const Extension& response, const QList<Extension>& offers)
{
    DeflateResponseCheck check;
    if (response.name != kPermessageDeflate) {
        check.error = QStringLiteral("%1 is not permessage-deflate").arg(quote(response.name));
        return check;
    }
    const ReadingResult answer = readDeflate(response, Side::Response);
    if (!answer.reading) {
        check.error = answer.problem;
        return check;
    }
    QStringList reasons;
    qsizetype deflateOffers = 0;
    for (const Extension& offer : offers) {
        if (offer.name != kPermessageDeflate)
            continue;
        ++deflateOffers;
        const ReadingResult offered = readDeflate(offer, Side::Offer);
        if (!offered.reading) {
            reasons.append(QStringLiteral("the offer itself is invalid: ") + offered.problem);
            continue;
        }
        const QString problem = mismatch(*answer.reading, *offered.reading);
        if (problem.isEmpty()) {
            check.ok = true;
            check.params = negotiatedParams(*answer.reading, *offered.reading);
            return check;
        }
        reasons.append(problem);
    }
    if (deflateOffers == 0)
        check.error = QStringLiteral("permessage-deflate was not offered (RFC 6455 §9.1)");
    else if (reasons.size() == 1)
        check.error = reasons.front();
    else
        check.error = QStringLiteral("the response matches none of the %1 offers: ").arg(deflateOffers)
            + reasons.join(QStringLiteral("; "));
    return check;
}

} // namespace wsi
