#pragma once
// QFormLayout with WrapLongRows decides whether a row fits side by side without counting the gap between label and
// field, then places the field after that gap: in a form just too narrow, a field ends up a few pixels narrower
// than it needs and cuts its text. Moving the gap into the labels (as a right margin) makes both agree.

class QFormLayout;

namespace wsi
{

// Call once the form's rows are in place.
void wrapLongRowsExactly(QFormLayout* form);

} // namespace wsi
