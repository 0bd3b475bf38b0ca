// wsinspector hash-password: a password hash for a users file (serve --users FILE), from standard input.
#include "cli/commands.h"
#include "core/userdirectory.h"
#include "engine/randomness.h"

#include <QByteArray>
#include <QStringList>
#include <cstdio>
#include <iostream>
#include <string>

namespace wsi
{

namespace
{
constexpr char kUsage[] = "usage: wsinspector hash-password [--scrypt] [--iterations N]\n"
                          "\n"
                          "Reads a password (one line) on standard input and prints its hash for the \"logins\" of a\n"
                          "users file (serve --users FILE), in the layout Werkzeug writes:\n"
                          "  pbkdf2:sha256:ITERATIONS$SALT$HEX (default) or scrypt:N:R:P$SALT$HEX.\n"
                          "\n"
                          "  --scrypt          scrypt (N=32768, r=8, p=1) instead of PBKDF2-HMAC-SHA-256\n"
                          "  --iterations N    PBKDF2 iterations (default 600000; 1 to 10000000)\n";

int usage(const char* problem)
{
    if (problem)
        std::fprintf(stderr, "wsinspector hash-password: %s\n", problem);
    std::fprintf(stderr, "%s", kUsage);
    return kExitUsage;
}
} // namespace

int runHashPassword(int argc, char** argv)
{
    PasswordHashSettings settings;
    for (int i = 2; i < argc; ++i) {
        const QByteArray arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::printf("%s", kUsage);
            return 0;
        }
        if (arg == "--scrypt") {
            settings.scheme = PasswordScheme::Scrypt;
        } else if (arg == "--iterations") {
            bool ok = false;
            settings.iterations = i + 1 < argc ? QByteArray(argv[++i]).toInt(&ok) : 0;
            if (!ok || settings.iterations < 1 || settings.iterations > 10'000'000)
                return usage("--iterations takes a whole number from 1 to 10000000");
        } else {
            return usage(qPrintable(QStringLiteral("unknown option '%1'").arg(QString::fromLocal8Bit(arg))));
        }
    }
    std::string line;
    if (!std::getline(std::cin, line) || line.empty()) {
        std::fprintf(stderr, "wsinspector hash-password: no password on standard input\n");
        return 1;
    }
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    const QByteArray hash = hashPassword(QByteArray::fromStdString(line), randomSaltText(), settings);
    if (hash.isEmpty()) {
        std::fprintf(stderr, "wsinspector hash-password: OpenSSL could not derive the hash\n");
        return 1;
    }
    std::printf("%s\n", hash.constData());
    return 0;
}

} // namespace wsi
