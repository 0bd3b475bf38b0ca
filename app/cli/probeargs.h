#pragma once
// The command line of `wsinspector probe`, parsed into a plain value (no I/O here beyond what the
// caller asks), so the mapping from flags to a HandshakeSpec is one function.

#include "core/authentication.h"
#include "core/handshakespec.h"
#include "core/jwt.h"
#include "engine/clientsession.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

namespace wsi
{

struct ProbeStep {
    enum class Kind { Text, Binary, Ping };
    Kind kind = Kind::Text;
    QByteArray payload;
};

struct ProbeArgs {
    QString url;
    QList<QByteArray> headers; // "Name: value" as typed, in order
    QList<QByteArray> protocols;
    QList<QByteArray> extensions; // each an offer as typed
    bool deflate = false;
    std::optional<QByteArray> origin, key, version;
    QString rawFile;
    QList<ProbeStep> steps; // in command-line order
    std::optional<quint16> closeCode = 1000;
    QByteArray closeReason;
    int waitMs = 2000;
    bool waitGiven = false;
    int timeoutMs = 10'000;
    int fragments = 1;
    // After the steps: send every data message received back with its opcode, until the peer closes or
    // nothing arrives for waitMs.
    bool echo = false;
    bool insecure = false;
    QString caFile, certFile, keyFile, exportFile;
    bool json = false;
    bool help = false;

    // The token: --token as typed, or a JWT signed at start from --jwt-secret or --jwt-key, --jwt-alg, --claim and
    // --jwt-expires. --token-in says where it goes.
    std::optional<QByteArray> token;
    QByteArray jwtSecret;
    QString jwtKeyFile;
    std::optional<JwtAlgorithm> jwtAlgorithm; // none: HS256 with a secret, the key's own with a key
    QJsonObject jwtClaims; // --claim, later ones replacing earlier ones of the same name
    qint64 jwtExpiresSeconds = 3600;
    CredentialSource tokenIn { CredentialSource::Kind::Query, "token" };
    bool signsJwt() const { return !jwtSecret.isEmpty() || !jwtKeyFile.isEmpty(); }
};

// Parses argv (argv[0] the program, argv[1] "probe"). On bad usage returns nullopt and a sentence in *error.
std::optional<ProbeArgs> parseProbeArgs(const QStringList& arguments, QString* error);

// The token the flags ask for: --token as typed, or a JWT signed with signJwt: iat = nowSeconds and exp = nowSeconds
// + --jwt-expires, then the --claim values (which may replace both). `jwtKeyPem` is the --jwt-key file's content.
// Empty when no token is asked for; nullopt with *error (never holding the secret) when it cannot be signed.
std::optional<QByteArray> probeToken(
    const ProbeArgs& args, const QByteArray& jwtKeyPem, qint64 nowSeconds, QString* error);

// The handshake the flags describe, carrying `token` (from probeToken) where --token-in says. `rawBytes` is the
// --raw file's content (ignored without --raw). Returns nullopt with *error when a -H value cannot be a header line.
std::optional<HandshakeSpec> probeSpec(
    const ProbeArgs& args, const QByteArray& rawBytes, QString* error, const QByteArray& token = {});

ClientOptions probeClientOptions(const ProbeArgs& args);

// Exit codes of probe (README): 0 upgraded and every check passed; 1 answered without upgrading;
// 2 a check failed or the server broke the protocol; 3 no connection; 64 bad usage.
int probeExitCode(const ClientSession& session);

const char* probeUsage();

} // namespace wsi
