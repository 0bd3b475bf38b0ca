#pragma once
// Payload masking (RFC 6455 §5.3): payload byte i is XORed with key[i % 4]. Masking and unmasking
// are the same operation.

#include "core/frame.h"

namespace wsi
{

// Masks `size` bytes in place. `offset` is the position of data[0] within the payload, so a payload
// that arrives in pieces can be unmasked piece by piece with the right key phase.
void applyMask(char* data, qsizetype size, MaskKey key, quint64 offset = 0);

// Copies and masks in one pass (dst and src may be the same buffer, not partially overlapping).
// The decoder uses it so that a payload is touched exactly once on its way into a Frame.
void copyWithMask(char* dst, const char* src, qsizetype size, MaskKey key, quint64 offset = 0);

} // namespace wsi
