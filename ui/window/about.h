#pragma once
// The program as a person meets it outside its panels: the icon (window, task bar, About box) and the About box.

#include <QIcon>
#include <QString>

class QMessageBox;
class QWidget;

namespace wsi
{
// The program's icon, drawn once in resources/icons/wsinspector.svg; the same file is installed for the desktop.
QIcon applicationIcon();

// The libraries in use as the running program sees them (which may differ from those it was built with):
// Qt, the OpenSSL behind Qt's TLS, zlib. Rich text, one line each.
QString libraryVersionsHtml();

// The About box, not yet shown; it deletes itself when closed.
QMessageBox* createAboutBox(QWidget* parent);

// Opens the About box over `parent` without blocking.
void showAboutBox(QWidget* parent);
} // namespace wsi
