#include "testpaths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace wsi::test
{

namespace
{

// Running a test binary by hand (outside ctest) should still find the peers when the
// build directory sits inside the source tree, as it does by default.
QString searchUpwardForSourceDir()
{
    QDir dir(QCoreApplication::applicationDirPath());
    do {
        if (QFileInfo(dir.filePath(QStringLiteral("tests/peers/README.md"))).isFile())
            return dir.absolutePath();
    } while (dir.cdUp());
    return {};
}

} // namespace

QString sourceDir()
{
    const QString fromEnvironment = qEnvironmentVariable("WSI_SOURCE_DIR");
    if (!fromEnvironment.isEmpty())
        return QDir(fromEnvironment).absolutePath();
    return searchUpwardForSourceDir();
}

QString wsinspectorBinary()
{
    return qEnvironmentVariable("WSI_BINARY");
}

QString peerScript(const QString& relativePath)
{
    const QString root = sourceDir();
    if (root.isEmpty())
        return {};
    return QDir(root).filePath(QStringLiteral("tests/peers/") + relativePath);
}

} // namespace wsi::test
