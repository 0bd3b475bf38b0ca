#include "ui/window/about.h"

#include <QMessageBox>
#include <QSslSocket>
#include <zlib.h>

namespace wsi
{

QIcon applicationIcon()
{
    return QIcon(QStringLiteral(":/icons/wsinspector.svg"));
}

QString libraryVersionsHtml()
{
    const QString ssl = QSslSocket::supportsSsl() ? QSslSocket::sslLibraryVersionString()
                                                  : QMessageBox::tr("not available (wss:// cannot be used)");
    return QMessageBox::tr("Qt %1<br>%2<br>zlib %3")
        .arg(QString::fromLatin1(qVersion()), ssl.toHtmlEscaped(), QString::fromLatin1(zlibVersion()));
}

QMessageBox* createAboutBox(QWidget* parent)
{
    auto* box = new QMessageBox(parent);
    box->setObjectName(QStringLiteral("aboutBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowTitle(QMessageBox::tr("About WebSocket Inspector"));
    box->setTextFormat(Qt::RichText);
    box->setText(QMessageBox::tr("<p><b>WebSocket Inspector %1</b></p><p>Build a WebSocket opening handshake, send it, "
                                 "and see both raw messages with every check against RFC 6455 and RFC 7692.</p>"
                                 "<p><small>%2</small></p>")
                     .arg(QStringLiteral(WSI_VERSION), libraryVersionsHtml()));
    box->setIconPixmap(applicationIcon().pixmap(QSize(64, 64), box->devicePixelRatioF()));
    box->setStandardButtons(QMessageBox::Ok);
    return box;
}

void showAboutBox(QWidget* parent)
{
    createAboutBox(parent)->open();
}

} // namespace wsi
