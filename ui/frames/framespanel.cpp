#include "ui/frames/framespanel.h"

#include "core/events.h"
#include "core/transcriptjson.h"
#include "engine/clientsession.h"
#include "engine/echoserver.h"
#include "ui/frames/composer.h"
#include "ui/frames/framedetail.h"
#include "ui/frames/framescsv.h"
#include "ui/frames/framesdelegate.h"
#include "ui/frames/framesfiltermodel.h"
#include "ui/frames/framesmodel.h"
#include "ui/widgets/palette.h"
#include "ui/window/sessionstats.h"

#include <QAction>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSaveFile>
#include <QScrollBar>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace wsi
{

namespace
{
constexpr int kFilterDelayMs = 300;
constexpr int kStatsIntervalMs = 500;
constexpr int kImportedSource = -2;
constexpr int kClientSource = 0;
constexpr qint64 kMaxImportBytes = qint64(2) << 30;

qint64 monotonicMs()
{
    static QElapsedTimer clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
    return clock.elapsed();
}
} // namespace

FramesPanel::FramesPanel(QWidget* parent)
    : QWidget(parent)
    , m_model(new FramesModel(this))
    , m_filter(new FramesFilterModel(this))
    , m_table(new QTableView)
    , m_detail(new FrameDetail)
    , m_composer(new Composer)
    , m_source(new QComboBox)
    , m_direction(new QComboBox)
    , m_data(new QCheckBox(tr("Data")))
    , m_control(new QCheckBox(tr("Control")))
    , m_violations(new QCheckBox(tr("Only violations")))
    , m_search(new QLineEdit)
    , m_regex(new QCheckBox(tr("Regex")))
    , m_follow(new QCheckBox(tr("Follow")))
    , m_filterNote(new QLabel)
    , m_messageNote(new QLabel)
    , m_findAction(new QAction(tr("Find in frames"), this))
    , m_filterDelay(new QTimer(this))
    , m_statsTimer(new QTimer(this))
    , m_split(new QSplitter(Qt::Vertical))
    , m_stats(std::make_unique<SessionStats>())
{
    m_filter->setSourceModel(m_model);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);

    // Two rows, so that the panel fits beside both docks at 1600 px: what to show and what to look for
    // above, which kinds of frame and the session's tools below.
    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(4, 2, 4, 0);
    bar->addWidget(new QLabel(tr("Frames of")));
    m_source->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_source->setMinimumContentsLength(14);
    m_source->setToolTip(tr("Whose record to show: the client session, a connection of the local server, or a file"));
    bar->addWidget(m_source);
    m_direction->addItems({ tr("Both ways"), tr("→ Sent"), tr("← Received") });
    bar->addWidget(m_direction);
    m_search->setPlaceholderText(tr("Search payloads…"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(120);
    bar->addWidget(m_search, 1);
    m_regex->setToolTip(tr("Treat the search as a regular expression"));
    bar->addWidget(m_regex);
    layout->addLayout(bar);

    auto* kinds = new QHBoxLayout;
    kinds->setContentsMargins(4, 0, 4, 2);
    m_data->setChecked(true);
    m_data->setToolTip(tr("Text, binary and continuation frames"));
    m_control->setChecked(true);
    m_control->setToolTip(tr("Ping, pong and close frames (untick to hide a ping/pong flood)"));
    m_violations->setToolTip(tr("Only frames that break RFC 6455 or RFC 7692 on their own"));
    kinds->addWidget(new QLabel(tr("Show")));
    kinds->addWidget(m_data);
    kinds->addWidget(m_control);
    kinds->addWidget(m_violations);
    kinds->addStretch(1);
    m_follow->setChecked(true);
    m_follow->setToolTip(tr("Keep the newest frame in view; scrolling up pauses it, scrolling to the end resumes"));
    kinds->addWidget(m_follow);
    // The session tools live in one menu button (and in the File menu) so the filter bar keeps its room.
    auto* tools = new QToolButton;
    tools->setText(tr("Session"));
    tools->setPopupMode(QToolButton::InstantPopup);
    tools->setAutoRaise(true);
    auto* menu = new QMenu(tools);
    menu->addAction(tr("Clear the list"), this, [this] { clearShown(); })
        ->setToolTip(tr("Hide the frames shown so far (the record itself is kept for export)"));
    menu->addAction(tr("Export transcript (JSON Lines)…"), this, [this] { chooseExportJson(); });
    menu->addAction(tr("Export shown frames (CSV)…"), this, [this] { chooseExportCsv(); });
    menu->addAction(tr("Import transcript…"), this, [this] { chooseImport(); });
    tools->setMenu(menu);
    kinds->addWidget(tools);
    layout->addLayout(kinds);
    m_filterNote->setStyleSheet(
        QStringLiteral("QLabel { color: %1; padding-left: 6px; }").arg(palette::css(palette::error)));
    m_filterNote->hide();
    layout->addWidget(m_filterNote);
    m_messageNote->setStyleSheet(QStringLiteral("QLabel { padding-left: 6px; }"));
    m_messageNote->setWordWrap(true);
    m_messageNote->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_messageNote->hide();
    layout->addWidget(m_messageNote);
    connect(m_messageNote, &QLabel::linkActivated, this, [this] { showAllFrames(); });

    m_findAction->setShortcut(QKeySequence::Find);
    m_findAction->setShortcutContext(Qt::WindowShortcut);
    m_findAction->setToolTip(tr("Search the frames' payloads"));
    addAction(m_findAction);
    connect(m_findAction, &QAction::triggered, this, &FramesPanel::focusSearch);
    m_search->setToolTip(
        tr("Search the payloads (%1)").arg(m_findAction->shortcut().toString(QKeySequence::NativeText)));

    m_table->setModel(m_filter);
    m_table->setItemDelegate(new FramesDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->setAlternatingRowColors(false);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint& at) {
        const QModelIndex index = m_table->indexAt(at);
        if (!index.isValid())
            return;
        m_table->selectRow(index.row());
        std::unique_ptr<QMenu> rowMenu(
            frameMenu(index.siblingAtColumn(0).data(FramesModel::FrameIndexRole).toInt(), this));
        rowMenu->exec(m_table->viewport()->mapToGlobal(at));
    });
    m_table->verticalHeader()->hide();
    // Uniform rows: the view never measures a million rows, it multiplies.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setHighlightSections(false);
    const int cw = m_table->fontMetrics().horizontalAdvance(QLatin1Char('0'));
    // In characters: as narrow as the usual values allow, so that the preview shows beside both docks at 1600 px.
    const int widths[FramesModel::Count] = { 7, 10, 7, 2, 9, 3, 4, 4, 11, 5, 0 };
    for (int c = 0; c < FramesModel::Preview; ++c)
        m_table->setColumnWidth(c, widths[c] * cw + 12);
    m_split->addWidget(m_table);
    auto* lower = new QSplitter(Qt::Horizontal);
    lower->addWidget(m_detail);
    lower->addWidget(m_composer);
    lower->setStretchFactor(0, 3);
    lower->setStretchFactor(1, 2);
    lower->setSizes({ 600, 400 });
    m_split->addWidget(lower);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 2);
    m_split->setSizes({ 550, 450 });
    layout->addWidget(m_split, 1);

    m_filterDelay->setSingleShot(true);
    m_filterDelay->setInterval(kFilterDelayMs);
    connect(m_filterDelay, &QTimer::timeout, this, &FramesPanel::applyFilter);
    connect(m_search, &QLineEdit::textChanged, m_filterDelay, qOverload<>(&QTimer::start));
    connect(m_regex, &QCheckBox::toggled, this, &FramesPanel::applyFilter);
    connect(m_direction, &QComboBox::currentIndexChanged, this, &FramesPanel::applyFilter);
    for (QCheckBox* box : { m_data, m_control, m_violations })
        connect(box, &QCheckBox::toggled, this, &FramesPanel::applyFilter);

    QScrollBar* vbar = m_table->verticalScrollBar();
    connect(vbar, &QScrollBar::valueChanged, this, [this, vbar](int value) {
        if (!m_scrolling)
            m_atBottom = value >= vbar->maximum();
    });
    connect(vbar, &QScrollBar::rangeChanged, this, [this, vbar](int, int max) {
        if (m_follow->isChecked() && m_atBottom) {
            m_scrolling = true;
            vbar->setValue(max);
            m_scrolling = false;
        }
    });
    connect(m_follow, &QCheckBox::toggled, this, [this](bool on) {
        if (on) {
            m_atBottom = true;
            m_table->scrollToBottom();
        }
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &FramesPanel::selectionChanged);
    connect(m_filter, &QAbstractItemModel::modelReset, this, [this] { m_detail->clear(); });

    connect(m_source, &QComboBox::activated, this, &FramesPanel::sourceChosen);
    connect(m_composer, &Composer::failed, this, [this](const QString& e) { Q_EMIT statusMessage(e, true); });

    m_statsTimer->setInterval(kStatsIntervalMs);
    connect(m_statsTimer, &QTimer::timeout, this, &FramesPanel::updateStats);
    m_statsTimer->start();
    refreshSources();
}

FramesPanel::~FramesPanel() = default;

const Transcript* FramesPanel::transcript() const
{
    return m_model->transcript();
}

void FramesPanel::setSource(const Transcript* transcript, Role recorder, QObject* owner)
{
    if (m_followedMessage >= 0) {
        // Message numbers belong to one record.
        m_followedMessage = -1;
        m_messageNote->hide();
        applyFilter();
    }
    m_stats->reset();
    m_detail->clear();
    m_model->setTranscript(transcript, recorder, owner);
    m_atBottom = true;
    updateStats();
}

void FramesPanel::showTranscript(const Transcript* transcript, Role recorder, QObject* owner)
{
    m_composer->setEnabled(false);
    setSource(transcript, recorder, owner);
}

void FramesPanel::setClientSession(ClientSession* session)
{
    m_session = session;
    m_composer->setSession(session);
    refreshSources();
    showClientSession();
}

void FramesPanel::setServer(EchoServer* server)
{
    if (m_server)
        m_server->disconnect(this);
    m_server = server;
    if (server) {
        connect(server, &EchoServer::connectionAccepted, this, &FramesPanel::refreshSources);
        connect(server, &EchoServer::connectionClosed, this, &FramesPanel::refreshSources);
    }
    refreshSources();
}

void FramesPanel::refreshSources()
{
    const QVariant current = m_source->currentData();
    m_source->clear();
    m_source->addItem(m_session ? tr("Client session") : tr("Client session (not connected)"), kClientSource);
    if (m_server) {
        for (ServerConnection* c : m_server->connections())
            m_source->addItem(tr("Server connection #%1 (%2)").arg(c->id()).arg(c->peer()), c->id());
    }
    if (m_imported)
        m_source->addItem(tr("Imported: %1").arg(m_importedName), kImportedSource);
    const int at = m_source->findData(current);
    m_source->setCurrentIndex(at >= 0 ? at : 0);
}

void FramesPanel::sourceChosen(int index)
{
    const int id = m_source->itemData(index).toInt();
    if (id == kClientSource)
        showClientSession();
    else if (id == kImportedSource && m_imported)
        setSource(m_imported.get(), Role::Client, nullptr);
    else
        showServerConnection(id);
}

void FramesPanel::showClientSession()
{
    const int at = m_source->findData(kClientSource);
    if (at >= 0)
        m_source->setCurrentIndex(at);
    m_composer->setEnabled(true);
    if (m_session)
        setSource(&m_session->transcript(), Role::Client, m_session);
    else
        setSource(nullptr, Role::Client, nullptr);
}

bool FramesPanel::showServerConnection(int id)
{
    if (id == kClientSource) {
        showClientSession();
        return true;
    }
    if (!m_server)
        return false;
    for (ServerConnection* c : m_server->connections()) {
        if (c->id() != id)
            continue;
        refreshSources();
        m_source->setCurrentIndex(qMax(0, m_source->findData(id)));
        // The composer speaks for the client session only.
        m_composer->setEnabled(false);
        setSource(&c->transcript(), Role::Server, c);
        return true;
    }
    return false;
}

void FramesPanel::applyFilter()
{
    m_filterDelay->stop();
    FrameFilter f;
    f.incoming = m_direction->currentIndex() != 1;
    f.outgoing = m_direction->currentIndex() != 2;
    f.data = m_data->isChecked();
    f.control = m_control->isChecked();
    f.onlyViolations = m_violations->isChecked();
    f.text = m_search->text();
    f.regex = m_regex->isChecked();
    f.message = m_followedMessage;
    m_filter->setFilter(f);
    m_filterNote->setText(m_filter->filterError());
    m_filterNote->setVisible(!m_filter->filterError().isEmpty());
    m_atBottom = true;
    if (m_follow->isChecked())
        m_table->scrollToBottom();
}

void FramesPanel::selectionChanged()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid() || !m_model->transcript()) {
        m_detail->clear();
        return;
    }
    const int frame = current.siblingAtColumn(0).data(FramesModel::FrameIndexRole).toInt();
    m_detail->showFrame(m_model->transcript(), frame, m_model->recorder());
}

bool FramesPanel::selectFrame(int frameIndex)
{
    m_model->refresh();
    const int row = m_filter->rowForSourceRow(frameIndex - m_model->firstShownFrame());
    if (row < 0)
        return false;
    // A chosen frame stays in view: following the newest would scroll it away.
    m_follow->setChecked(false);
    m_table->selectRow(row);
    m_table->scrollTo(m_filter->index(row, 0), QAbstractItemView::PositionAtCenter);
    return true;
}

void FramesPanel::focusSearch()
{
    // Bring the panel forward wherever it sits in tabs, so the shortcut works from any page of the window.
    for (QWidget* w = this; w && w->parentWidget(); w = w->parentWidget()) {
        auto* tabs = qobject_cast<QTabWidget*>(w->parentWidget()->parentWidget());
        if (tabs && tabs->indexOf(w) >= 0)
            tabs->setCurrentWidget(w);
    }
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void FramesPanel::copyToClipboard(const QString& text, const QString& what)
{
    QGuiApplication::clipboard()->setText(text);
    Q_EMIT statusMessage(tr("Copied %1.").arg(what), false);
}

QMenu* FramesPanel::frameMenu(int frameIndex, QWidget* parent)
{
    auto* menu = new QMenu(parent);
    const Transcript* t = m_model->transcript();
    if (!t || frameIndex < 0 || frameIndex >= t->frames().size()) {
        menu->addAction(tr("No frame here"))->setEnabled(false);
        return menu;
    }
    const FrameRecord& f = t->frames().at(frameIndex);
    const QByteArray payload = t->framePayload(f);
    const QString number = tr("frame %1").arg(frameIndex + 1);
    const Rsv1Reading rsv1 = readRsv1(*t, f, m_model->recorder());
    // A compressed frame's bytes are not text; its text is the message it inflated to.
    const QByteArray text = rsv1.compressedPayload() ? t->messagePayload(t->messages().at(f.message)) : payload;
    QAction* asText
        = menu->addAction(rsv1.compressedPayload() ? tr("Copy inflated message as text") : tr("Copy payload as text"),
            this, [this, text, number] {
                copyToClipboard(QString::fromUtf8(text), tr("the payload of %1 as text").arg(number));
            });
    asText->setObjectName(QStringLiteral("copyText"));
    menu->addAction(tr("Copy payload as hex"), this,
            [this, payload, number] {
                copyToClipboard(QString::fromLatin1(payload.toHex(' ')), tr("the payload of %1 as hex").arg(number));
            })
        ->setObjectName(QStringLiteral("copyHex"));
    menu->addAction(tr("Copy payload as Base64"), this,
            [this, payload, number] {
                copyToClipboard(QString::fromLatin1(payload.toBase64()), tr("the payload of %1 as Base64").arg(number));
            })
        ->setObjectName(QStringLiteral("copyBase64"));
    menu->addAction(tr("Copy frame as JSON"), this,
            [this, frameIndex, number] {
                const Transcript* record = m_model->transcript();
                if (!record || frameIndex >= record->frames().size())
                    return;
                // The object the transcript's JSON Lines hold for this frame.
                QByteArray json;
                EventSerializer().frame(json, *record, frameIndex);
                copyToClipboard(QString::fromUtf8(json), tr("%1 as JSON").arg(number));
            })
        ->setObjectName(QStringLiteral("copyJson"));
    menu->addSeparator();
    QAction* follow = menu->addAction(
        tr("Follow this message's fragments"), this, [this, frameIndex] { followMessage(frameIndex); });
    follow->setObjectName(QStringLiteral("followMessage"));
    if (f.message < 0) {
        follow->setEnabled(false);
        follow->setText(isControlOpcode(f.opcode)
                ? tr("Follow this message's fragments (a control frame has none)")
                : tr("Follow this message's fragments (the message is not complete)"));
    }
    if (m_followedMessage >= 0)
        menu->addAction(tr("Show all frames"), this, [this] { showAllFrames(); })
            ->setObjectName(QStringLiteral("showAll"));
    return menu;
}

bool FramesPanel::followMessage(int frameIndex)
{
    const Transcript* t = m_model->transcript();
    if (!t || frameIndex < 0 || frameIndex >= t->frames().size() || t->frames().at(frameIndex).message < 0)
        return false;
    m_followedMessage = t->frames().at(frameIndex).message;
    const MessageRecord m = t->messages().at(m_followedMessage);
    m_messageNote->setText(
        tr("Only the %n frame(s) of message %1 are shown. <a href=\"all\">Show all frames</a>", nullptr, m.frameCount)
            .arg(m_followedMessage + 1));
    m_messageNote->show();
    applyFilter();
    selectFrame(frameIndex);
    return true;
}

void FramesPanel::showAllFrames()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    const int frame = current.isValid() ? current.siblingAtColumn(0).data(FramesModel::FrameIndexRole).toInt() : -1;
    m_followedMessage = -1;
    m_messageNote->hide();
    applyFilter();
    if (frame >= 0)
        selectFrame(frame);
}

void FramesPanel::clearShown()
{
    m_model->clearShown();
    m_detail->clear();
    Q_EMIT statusMessage(
        tr("Cleared the list; frames from now on appear. Export still saves the whole record."), false);
}

void FramesPanel::updateStats()
{
    const Transcript* t = m_model->transcript();
    QString text;
    if (t) {
        m_stats->update(*t, m_model->recorder(), monotonicMs());
        text = m_stats->text(*t);
        if (const QString shown = SessionStats::shownText(m_filter->rowCount(), m_model->rowCount()); !shown.isEmpty())
            text += QStringLiteral(" · ") + shown;
    }
    if (text != m_statsText) {
        m_statsText = text;
        Q_EMIT statsChanged(text);
    }
}

bool FramesPanel::exportJsonLines(const QString& path, QString* error) const
{
    const Transcript* t = m_model->transcript();
    if (!t) {
        if (error)
            *error = tr("There is no record to export: connect or choose a connection first.");
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(transcriptToJsonLines(*t)) < 0 || !file.commit()) {
        if (error)
            *error = tr("Cannot write %1: %2.").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

bool FramesPanel::exportCsv(const QString& path, QString* error) const
{
    const Transcript* t = m_model->transcript();
    if (!t) {
        if (error)
            *error = tr("There are no frames to export.");
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = tr("Cannot write %1: %2.").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    writeFramesCsv(*m_filter, file);
    if (!file.commit()) {
        if (error)
            *error = tr("Cannot write %1: %2.").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

bool FramesPanel::importJsonLines(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = tr("Cannot open %1: %2.").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    if (file.size() > kMaxImportBytes) {
        if (error)
            *error = tr("%1 is larger than 2 GiB; it is not opened.").arg(QDir::toNativeSeparators(path));
        return false;
    }
    auto imported = std::make_unique<Transcript>();
    QString why;
    if (!transcriptFromJsonLines(file.readAll(), *imported, &why)) {
        if (error)
            *error = tr("%1 is not a transcript: %2").arg(QDir::toNativeSeparators(path), why);
        return false;
    }
    const QString name = QFileInfo(path).fileName();
    std::shared_ptr<const Transcript> shared = std::move(imported);
    showImported(shared, name);
    Q_EMIT transcriptImported(shared, name);
    return true;
}

void FramesPanel::showImported(std::shared_ptr<const Transcript> transcript, const QString& name)
{
    // The old import is replaced; detach the model from it first.
    if (m_model->transcript() == m_imported.get())
        m_model->setTranscript(nullptr);
    m_imported = std::move(transcript);
    m_importedName = name;
    refreshSources();
    m_source->setCurrentIndex(m_source->findData(kImportedSource));
    m_composer->setEnabled(false);
    setSource(m_imported.get(), Role::Client, nullptr);
}

void FramesPanel::chooseExportJson()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the record"),
        QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) + QStringLiteral("/session.jsonl"),
        tr("JSON Lines (*.jsonl);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (exportJsonLines(path, &error))
        Q_EMIT statusMessage(tr("Saved the record as %1.").arg(QDir::toNativeSeparators(path)), false);
    else
        Q_EMIT statusMessage(error, true);
}

void FramesPanel::chooseExportCsv()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the shown frames"),
        QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) + QStringLiteral("/frames.csv"),
        tr("CSV (*.csv);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (exportCsv(path, &error))
        Q_EMIT statusMessage(
            tr("Saved %1 frames as %2.").arg(m_filter->rowCount()).arg(QDir::toNativeSeparators(path)), false);
    else
        Q_EMIT statusMessage(error, true);
}

void FramesPanel::chooseImport()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Import a record"),
        QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation),
        tr("JSON Lines (*.jsonl *.json);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (importJsonLines(path, &error))
        Q_EMIT statusMessage(
            tr("Opened %1: %2 frames.").arg(QDir::toNativeSeparators(path)).arg(m_model->rowCount()), false);
    else
        Q_EMIT statusMessage(error, true);
}

} // namespace wsi
