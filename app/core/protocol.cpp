#include "core/protocol.h"
