#pragma once
// An append-only list of plain records kept in fixed-size blocks. Growing allocates one more block and
// never moves or copies what is stored: appending stays O(1) without the occasional reallocation of one
// huge array (at millions of records that copies hundreds of megabytes at once and stalls the thread
// that records), and references to stored records stay valid until clear().
// The read API mirrors the part of QList that readers use, so a QList can be swapped for it.

#include <QtGlobal>
#include <algorithm>
#include <compare>
#include <iterator>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace wsi
{

// A random-access iterator that is a position in a list read through at(index). `Source` is a cheap handle to
// the list: a pointer to it, or a small view object. `Reference` is what at() gives: a reference to a stored
// record, or a value the list builds on the fly (Transcript's message view).
template <typename Source, typename Value, typename Reference> class IndexIterator
{
public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = Value;
    using difference_type = qsizetype;
    using pointer = std::conditional_t<std::is_reference_v<Reference>, const Value*, void>;
    using reference = Reference;

    IndexIterator() = default;
    IndexIterator(Source source, qsizetype index)
        : m_source(source)
        , m_index(index)
    {
    }
    Reference operator*() const { return get(m_index); }
    Reference operator[](qsizetype n) const { return get(m_index + n); }
    const Value* operator->() const requires std::is_reference_v<Reference> { return &get(m_index); }
    IndexIterator& operator++() { return *this += 1; }
    IndexIterator operator++(int)
    {
        IndexIterator old = *this;
        ++*this;
        return old;
    }
    IndexIterator& operator--() { return *this -= 1; }
    IndexIterator operator--(int)
    {
        IndexIterator old = *this;
        --*this;
        return old;
    }
    IndexIterator& operator+=(qsizetype n)
    {
        m_index += n;
        return *this;
    }
    IndexIterator& operator-=(qsizetype n)
    {
        m_index -= n;
        return *this;
    }
    friend IndexIterator operator+(IndexIterator it, qsizetype n) { return it += n; }
    friend IndexIterator operator+(qsizetype n, IndexIterator it) { return it += n; }
    friend IndexIterator operator-(IndexIterator it, qsizetype n) { return it -= n; }
    friend qsizetype operator-(const IndexIterator& a, const IndexIterator& b) { return a.m_index - b.m_index; }
    friend bool operator==(const IndexIterator& a, const IndexIterator& b) { return a.m_index == b.m_index; }
    friend auto operator<=>(const IndexIterator& a, const IndexIterator& b) { return a.m_index <=> b.m_index; }

private:
    Reference get(qsizetype i) const
    {
        if constexpr (std::is_pointer_v<Source>)
            return m_source->at(i);
        else
            return m_source.at(i);
    }
    Source m_source {};
    qsizetype m_index = 0;
};

template <typename T, qsizetype BlockSize = 16 * 1024> class ChunkedList
{
    // Blocks are raw storage and records are never destroyed one by one.
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
    // A power of two makes locating a record a shift and a mask.
    static_assert(BlockSize > 0 && (BlockSize & (BlockSize - 1)) == 0);

public:
    using value_type = T;
    using size_type = qsizetype;

    using const_iterator = IndexIterator<const ChunkedList*, T, const T&>;

    ChunkedList() = default;
    ChunkedList(ChunkedList&& other) noexcept { *this = std::move(other); }
    ChunkedList& operator=(ChunkedList&& other) noexcept
    {
        m_blocks = std::move(other.m_blocks);
        m_size = std::exchange(other.m_size, 0);
        m_releasedBlocks = std::exchange(other.m_releasedBlocks, 0);
        m_tail = std::exchange(other.m_tail, nullptr);
        m_tailEnd = std::exchange(other.m_tailEnd, nullptr);
        return *this;
    }

    qsizetype size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }

    const T& at(qsizetype i) const
    {
        Q_ASSERT(i >= firstAvailable() && i < m_size);
        return m_blocks[size_t(i / BlockSize)].get()[i % BlockSize];
    }
    const T& operator[](qsizetype i) const { return at(i); }
    T& operator[](qsizetype i) { return const_cast<T&>(at(i)); }
    const T& first() const { return at(0); }
    const T& constFirst() const { return at(0); }
    const T& last() const { return at(m_size - 1); }
    const T& constLast() const { return at(m_size - 1); }

    const_iterator begin() const { return { this, 0 }; }
    const_iterator end() const { return { this, m_size }; }
    const_iterator cbegin() const { return begin(); }
    const_iterator cend() const { return end(); }

    void append(const T& value)
    {
        if (m_tail == m_tailEnd) {
            m_blocks.emplace_back(std::allocator<T>().allocate(BlockSize));
            m_tail = m_blocks.back().get();
            m_tailEnd = m_tail + BlockSize;
        }
        ::new (static_cast<void*>(m_tail++)) T(value);
        ++m_size;
    }
    // Asks the processor to fetch the memory the next append() writes (see Transcript::prefetchForAppend()).
    void prefetchTail() const
    {
        if (m_tail)
            __builtin_prefetch(m_tail, 1);
    }

    // Frees every block.
    void clear()
    {
        m_blocks.clear();
        m_size = 0;
        m_releasedBlocks = 0;
        m_tail = m_tailEnd = nullptr;
    }

    // Frees the blocks holding only records before `index`, for a reader that only goes forward: a record
    // that is no longer needed stops costing memory. Indices do not change; records before
    // firstAvailable() may not be read again (begin() still starts at 0: iterate from firstAvailable()).
    void releaseBefore(qsizetype index)
    {
        const qsizetype blocks = std::min(index, m_size) / BlockSize;
        for (qsizetype b = m_releasedBlocks; b < blocks; ++b)
            m_blocks[size_t(b)].reset();
        m_releasedBlocks = std::max(m_releasedBlocks, blocks);
        if (m_releasedBlocks == qsizetype(m_blocks.size()))
            m_tail = m_tailEnd = nullptr; // the last block was full and is gone: the next append starts one
    }
    qsizetype firstAvailable() const { return m_releasedBlocks * BlockSize; }
    qsizetype availableCount() const { return m_size - firstAvailable(); }

    // Records a block holds, and bytes the list has allocated for records (whole blocks).
    static constexpr qsizetype blockSize() { return BlockSize; }
    qsizetype allocatedBytes() const
    {
        return (qsizetype(m_blocks.size()) - m_releasedBlocks) * BlockSize * qsizetype(sizeof(T));
    }

private:
    struct FreeBlock {
        void operator()(T* block) const { std::allocator<T>().deallocate(block, BlockSize); }
    };
    std::vector<std::unique_ptr<T, FreeBlock>> m_blocks;
    qsizetype m_size = 0;
    qsizetype m_releasedBlocks = 0; // the first blocks, freed by releaseBefore()
    // Where the next record goes, and the end of its block: append() then touches this object and the
    // record's own memory only, not the block table (each line it reads is a likely cache miss on a busy server).
    T* m_tail = nullptr;
    T* m_tailEnd = nullptr;
};

} // namespace wsi
