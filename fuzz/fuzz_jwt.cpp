// JSON Web Tokens as anyone may send them in a handshake: decoding and verification must answer every input with
// either a valid result or one line saying why not, never call a token valid that no held key signed with an
// algorithm that fits it, and what decodes must survive being signed again unchanged.
#include "core/jwt.h"

#include <QJsonDocument>
#include <cstdint>
#include <cstdlib>
#include <limits>

using namespace wsi;

namespace
{

const QByteArray kSecret("fuzz secret");
// The public halves of an RSA, an EC P-256 and an Ed25519 key; the seeds in fuzz/corpus/jwt/ were signed with their
// private halves (and with kSecret), at 2026-12-03 14:00:00 UTC.
const QByteArray kJwks = R"({"keys": [
 {"kty": "RSA", "kid": "r1", "e": "AQAB", "n": "sIfgMt8Ien_jUe0Urc3p9UMgTpLcAEtFCWv8MfXDskaybUutGLrv9jtZuVMoYF8z1ij_jh2Pxmu-49W-XGNNMxxnXvO7QKHzp7z_qxdVw9qpUYBF22wzQJ-V2EA1sUl1WlWi5a8Yhc84QUfMxisnTms1O7CPWhZWLrVqLBOpohId5Ga9cwH4N43-1GHQnlYhPTyJMnjjfW_nTKfb915Ia6ij3GOvF2-BHUT9ReiNv0eNfxeEdp59a0xiA57_QMtHlYM03KsuVe_v6O9H-gWczyJ1hfrez7vHiwxSk8aiHKIGGUU-ENc9nyaI5eD1GZFylU3v5eqGOMex3-CdShF9nQ"},
 {"kty": "EC", "kid": "e1", "crv": "P-256", "x": "fh2sjsvqj8x0hmRfprevxgB3Oy74Qs-4uVk1I1Uul9E", "y": "5IxkLTuBT1JpHpzAralyWCXcAN7mzOVHOeO2WOKt_tM"},
 {"kty": "OKP", "kid": "o1", "crv": "Ed25519", "x": "03TPzH90jajpp0pygtFOmqoroCiQ_8jHt1vbbuhq2NQ"}
]})";

struct Fixture {
    JwtKeySet secretOnly;
    JwtKeySet publicOnly;
    JwtKeySet both;
    JwtRules strict;
    JwtRules lenient;
};

Fixture makeFixture()
{
    Fixture fixture;
    fixture.secretOnly.setHmacSecret(kSecret);
    if (!fixture.publicOnly.loadPublicKeys(kJwks).isEmpty())
        std::abort();
    fixture.both = fixture.publicOnly;
    fixture.both.setHmacSecret(kSecret);
    fixture.strict.issuer = QStringLiteral("https://issuer.example");
    fixture.strict.audience = QStringLiteral("wsi");
    fixture.strict.nowSeconds = 1796306400;
    fixture.lenient.leewaySeconds = std::numeric_limits<qint64>::max();
    fixture.lenient.nowSeconds = std::numeric_limits<qint64>::min();
    fixture.lenient.userClaim.clear();
    return fixture;
}

bool isHmac(const QString& algorithmName)
{
    return algorithmName.startsWith(QLatin1String("HS"));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const Fixture fixture = makeFixture();
    const QByteArrayView bytes(reinterpret_cast<const char*>(data), qsizetype(size));

    const JwtDecodeResult decoded = decodeJwt(bytes);
    if (decoded.ok() != decoded.error.isEmpty() || decoded.error.contains(QLatin1Char('\n')))
        std::abort();

    for (const JwtKeySet* keys : { &fixture.secretOnly, &fixture.publicOnly, &fixture.both }) {
        for (const JwtRules* rules : { &fixture.strict, &fixture.lenient }) {
            const JwtVerification v = verifyJwt(bytes, *keys, *rules);
            if (v.valid == !v.reason.isEmpty() || v.reason.contains(QLatin1Char('\n')))
                std::abort();
            if (!bytes.contains(kSecret) && v.reason.contains(QString::fromLatin1(kSecret)))
                std::abort(); // the secret never shows in a reason
            if (!v.valid)
                continue;
            // Valid: it decoded, its algorithm fits the kind of key that checked it, and the claims are the token's.
            if (!decoded.ok() || v.claims != decoded.token->claims || v.algorithmName == QLatin1String("none"))
                std::abort();
            if (isHmac(v.algorithmName) ? !keys->hasHmacSecret() : keys->publicKeys().isEmpty())
                std::abort();
            if (v.steps.isEmpty() || (!rules->userClaim.isEmpty() && v.user.isEmpty()))
                std::abort();
        }
    }

    // Whatever claims decode are signed again and read back unchanged.
    if (decoded.ok()) {
        const JwtSignResult resigned = signJwt(JwtAlgorithm::HS256, decoded.token->claims, kSecret);
        if (!resigned.ok())
            std::abort();
        const JwtDecodeResult again = decodeJwt(resigned.token, std::numeric_limits<qsizetype>::max());
        if (!again.ok() || again.token->claims != decoded.token->claims)
            std::abort();
    }
    return 0;
}
