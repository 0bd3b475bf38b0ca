#include "engine/randomness.h"

#include <openssl/rand.h>

namespace wsi
{

namespace
{
QByteArray randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    // RAND_bytes fails only when the generator cannot be seeded; nothing safe can be made then.
    if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), count) != 1)
        qFatal("OpenSSL's random generator is not seeded");
    return bytes;
}
} // namespace

QByteArray randomSaltText(int length)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    constexpr int alphabetSize = sizeof alphabet - 1; // 62
    QByteArray out;
    while (out.size() < length) {
        // Bytes of 248 and above are dropped so that every letter is equally likely (248 = 4 × 62).
        for (char c : randomBytes(length)) {
            const auto byte = static_cast<unsigned char>(c);
            if (byte < 248 && out.size() < length)
                out.append(alphabet[byte % alphabetSize]);
        }
    }
    return out;
}

QByteArray randomToken(int bytes)
{
    return randomBytes(bytes).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

} // namespace wsi
