#pragma once
// "Copy as": the handshake the user built, as a command line for another tool (websocat, wscat,
// curl), a JavaScript snippet or a Python websockets script. Each tool can express only part of a
// handshake, so every snippet comes with the caveats that say what it cannot reproduce for this
// request, header by header (for JavaScript, the browser view's list of what a page cannot send).

#include "core/handshakespec.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace wsi
{

enum class CopyFormat { Websocat, Wscat, Curl, JavaScript, Python };

struct CopySnippet {
    CopyFormat format = CopyFormat::Websocat;
    QString title; // "websocat", "wscat", "curl (HTTP request only)", "JavaScript (browser)", "Python (websockets)"
    QString text; // a shell command line (POSIX sh quoting), JavaScript source or a Python 3 script
    QStringList caveats; // one sentence each; empty when the snippet sends the same handshake
};

// `built` is buildRequest(spec, …): its URL, headers (in raw mode, as parsed) and actual key are used.
CopySnippet copyAs(CopyFormat format, const HandshakeSpec& spec, const BuiltRequest& built);
QList<CopySnippet> copyAsAll(const HandshakeSpec& spec, const BuiltRequest& built);

// POSIX shell quoting: plain words as they are, others in single quotes; bytes a terminal cannot
// carry literally (control characters) in bash's $'…' form.
QString shellQuote(QByteArrayView text);

} // namespace wsi
