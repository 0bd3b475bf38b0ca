// wsinspector: with no arguments the inspector window; `serve` and `probe` run headless.
#include <QCoreApplication>
#include <QTextStream>

namespace {
int printUsage(QTextStream& out)
{
    out << "wsinspector " WSI_VERSION "\n"
           "usage: wsinspector                 open the inspector window\n"
           "       wsinspector serve [...]     run the echo server headless\n"
           "       wsinspector probe URL [...] one scripted handshake and exchange\n";
    return 0;
}
} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    return printUsage(out);
}
