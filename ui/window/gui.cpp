#include "ui/window/gui.h"

#include "core/policyschema.h"
#include "engine/echoserver.h"
#include "ui/builder/handshakebuilder.h"
#include "ui/builder/profiles.h"
#include "ui/window/about.h"
#include "ui/window/mainwindow.h"
#include "ui/window/screenshotharness.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QTimer>
#include <cstdio>
#include <optional>

namespace wsi
{

namespace
{
constexpr int kExitUsage = 64;

// The policy a newcomer meets: two subprotocols and compression, so the first handshake shows both.
ServerPolicy samplePolicy()
{
    ServerPolicy policy;
    policy.protocols = { "json", "msgpack" };
    policy.deflate.enabled = true;
    return policy;
}

struct GuiOptions {
    QString profile; // a preset's name or a file; empty: the default
    QString url; // empty: the local server
    bool connect = false;
    QSize size; // invalid: the saved or default size
    quint16 serverPort = 0;
    ServerPolicy policy = samplePolicy();
    bool policyGiven = false; // a --server-* policy flag was given: it wins over the remembered policies
};

// Every server policy flag of `serve` is also a window flag, prefixed with "server-" (from the policy schema).
const QString kServerPrefix = QStringLiteral("server-");

QList<QCommandLineOption> policyOptions()
{
    QList<QCommandLineOption> options;
    for (const PolicyField& field : policyFields()) {
        const QString help = QStringLiteral("Local server: %1.").arg(QString::fromUtf8(field.help));
        if (field.flagStyle == FlagStyle::Switch) {
            options.append(QCommandLineOption(kServerPrefix + QLatin1String(field.flag), help));
            if (field.negativeFlag)
                options.append(QCommandLineOption(kServerPrefix + QLatin1String(field.negativeFlag), help));
        } else {
            options.append(QCommandLineOption(
                kServerPrefix + QLatin1String(field.flag), help, QString::fromUtf8(field.valueName)));
        }
    }
    return options;
}

// The --server-* policy flags given, applied to `policy`; false with `error` set when they do not add up.
bool applyPolicyOptions(
    const QCommandLineParser& parser, const QList<QCommandLineOption>& options, ServerPolicy& policy, QString* error)
{
    PolicyFlags flags(policy, kServerPrefix);
    for (const QCommandLineOption& option : options) {
        const QString name = option.names().constFirst();
        if (!parser.isSet(option))
            continue;
        if (option.valueName().isEmpty()) {
            if (!flags.apply(name, std::nullopt, error))
                return false;
            continue;
        }
        for (const QString& value : parser.values(option)) {
            if (!flags.apply(name, value, error))
                return false;
        }
    }
    return flags.finish(error);
}

// The command line, read and checked; nullopt once the problem has been printed.
std::optional<GuiOptions> parseOptions(ScreenshotHarness& harness)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The WebSocket Inspector window."));
    const QCommandLineOption profileOption(QStringLiteral("profile"),
        QStringLiteral("Load a preset (echo, chat, deflate, crosssite, token) or a profile file."),
        QStringLiteral("NAME"));
    const QCommandLineOption urlOption(
        QStringLiteral("url"), QStringLiteral("Connect to URL instead of the local server."), QStringLiteral("URL"));
    const QCommandLineOption connectOption(QStringLiteral("connect"), QStringLiteral("Send the handshake at start."));
    const QCommandLineOption sizeOption(
        QStringLiteral("size"), QStringLiteral("Window size, e.g. 1600x1000."), QStringLiteral("WxH"));
    const QCommandLineOption serverPortOption(QStringLiteral("server-port"),
        QStringLiteral("Local server: listen on this port (default: any free port)."), QStringLiteral("PORT"),
        QStringLiteral("0"));
    const QList<QCommandLineOption> policy = policyOptions();
    parser.addOptions({ profileOption, urlOption, connectOption, sizeOption, serverPortOption });
    harness.addOptions(parser);
    parser.addOptions(policy);

    if (!parser.parse(QApplication::arguments())) {
        printGuiError(parser.errorText());
        return std::nullopt;
    }
    if (!parser.positionalArguments().isEmpty()) {
        printGuiError(QStringLiteral("unexpected argument \"%1\"; the window takes only options (try --help).")
                          .arg(parser.positionalArguments().constFirst()));
        return std::nullopt;
    }
    GuiOptions options;
    options.profile = parser.value(profileOption);
    options.url = parser.value(urlOption);
    options.connect = parser.isSet(connectOption);
    if (parser.isSet(sizeOption)) {
        const QStringList parts = parser.value(sizeOption).split(QLatin1Char('x'));
        bool okW = false, okH = false;
        if (parts.size() == 2)
            options.size = QSize(parts.at(0).toInt(&okW), parts.at(1).toInt(&okH));
        if (!okW || !okH || options.size.width() < 1000 || options.size.height() < 650) {
            printGuiError(QStringLiteral("--size must be WIDTHxHEIGHT of at least 1000x650, e.g. 1600x1000."));
            return std::nullopt;
        }
    }
    bool portOk = false;
    const uint port = parser.value(serverPortOption).toUInt(&portOk);
    if (!portOk || port > 65535) {
        printGuiError(QStringLiteral("--server-port must be a number from 0 to 65535."));
        return std::nullopt;
    }
    options.serverPort = quint16(port);
    for (const QCommandLineOption& option : policy)
        options.policyGiven = options.policyGiven || parser.isSet(option);
    QString error;
    if (!harness.readOptions(parser, &error) || !applyPolicyOptions(parser, policy, options.policy, &error)) {
        printGuiError(error);
        return std::nullopt;
    }
    return options;
}

// --profile and --url into the builder; false once the problem has been printed.
bool setUpBuilder(MainWindow& window, const GuiOptions& options)
{
    if (!options.profile.isEmpty()) {
        const ProfileInfo preset = findBuiltInProfile(options.profile);
        const QString path = !preset.path.isEmpty() ? preset.path : options.profile;
        if (preset.path.isEmpty() && !QFileInfo::exists(path)) {
            QStringList names;
            for (const ProfileInfo& info : builtInProfiles())
                names.append(QFileInfo(info.path).completeBaseName());
            printGuiError(QStringLiteral("no profile \"%1\": give a file or one of %2.")
                              .arg(options.profile, names.join(QStringLiteral(", "))));
            return false;
        }
        if (!window.openProfile(path)) {
            printGuiError(QStringLiteral("cannot load the profile %1.").arg(path));
            return false;
        }
    }
    if (!options.url.isEmpty()) {
        HandshakeSpec spec = window.builder()->spec();
        spec.url = options.url;
        spec.syncRowsFromHelpers();
        window.builder()->setSpec(spec);
    }
    return true;
}
} // namespace

void printGuiError(const QString& message)
{
    std::fprintf(stderr, "wsinspector: %s\n", qPrintable(message));
}

int runGui(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("wsinspector"));
    QApplication::setApplicationName(QStringLiteral("wsinspector"));
    QApplication::setApplicationDisplayName(QStringLiteral("WebSocket Inspector"));
    QApplication::setApplicationVersion(QStringLiteral(WSI_VERSION));
    QApplication::setWindowIcon(applicationIcon());
    // Lets the desktop match the window to its installed entry (and icon), under Wayland too.
    QGuiApplication::setDesktopFileName(QStringLiteral(WSI_APP_ID));

    ScreenshotHarness harness;
    const std::optional<GuiOptions> options = parseOptions(harness);
    if (!options)
        return kExitUsage;

    EchoServer server;
    server.setPolicy(options->policy);
    QString listenError;
    const bool listening = server.listen(QHostAddress::LocalHost, options->serverPort, &listenError);

    MainWindow window(&server);
    if (!harness.takesScreenshot()) {
        window.restoreSettings(); // a screenshot must not depend on the last session
        if (options->policyGiven)
            server.setPolicy(options->policy);
    }
    if (!listening)
        printGuiError(QStringLiteral("the local echo server could not start: %1").arg(listenError));
    if (!setUpBuilder(window, *options))
        return kExitUsage;
    if (options->size.isValid())
        window.resize(options->size);
    else if (harness.takesScreenshot())
        window.resize(1600, 1000);
    window.show();

    harness.attach(window, options->connect);
    if (options->connect)
        QTimer::singleShot(0, &window, &MainWindow::connectNow);
    const int code = QApplication::exec();
    return harness.exitCode() != 0 ? harness.exitCode() : code;
}

} // namespace wsi
