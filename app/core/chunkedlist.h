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

namespace wsi {

template <typename T, qsizetype BlockSize = 16 * 1024>
class ChunkedList {
    // Blocks are raw storage and records are never destroyed one by one.
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
    // A power of two makes locating a record a shift and a mask.
    static_assert(BlockSize > 0 && (BlockSize & (BlockSize - 1)) == 0);

public:
    using value_type = T;
    using size_type = qsizetype;

    class const_iterator {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = T;
        using difference_type = qsizetype;
        using pointer = const T*;
        using reference = const T&;

        const_iterator() = default;
        const T& operator*() const { return m_list->at(m_index); }
        const T* operator->() const { return &m_list->at(m_index); }
        const T& operator[](qsizetype n) const { return m_list->at(m_index + n); }
        const_iterator& operator++() { return *this += 1; }
        const_iterator operator++(int) { const_iterator old = *this; ++*this; return old; }
        const_iterator& operator--() { return *this -= 1; }
        const_iterator operator--(int) { const_iterator old = *this; --*this; return old; }
        const_iterator& operator+=(qsizetype n) { m_index += n; return *this; }
        const_iterator& operator-=(qsizetype n) { m_index -= n; return *this; }
        friend const_iterator operator+(const_iterator it, qsizetype n) { return it += n; }
        friend const_iterator operator+(qsizetype n, const_iterator it) { return it += n; }
        friend const_iterator operator-(const_iterator it, qsizetype n) { return it -= n; }
        friend qsizetype operator-(const const_iterator& a, const const_iterator& b) { return a.m_index - b.m_index; }
        friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.m_index == b.m_index; }
        friend auto operator<=>(const const_iterator& a, const const_iterator& b) { return a.m_index <=> b.m_index; }

    private:
        friend class ChunkedList;
        const_iterator(const ChunkedList* list, qsizetype index) : m_list(list), m_index(index) { }
        const ChunkedList* m_list = nullptr;
        qsizetype m_index = 0;
    };

    ChunkedList() = default;
    ChunkedList(ChunkedList&& other) noexcept
        : m_blocks(std::move(other.m_blocks))
        , m_size(std::exchange(other.m_size, 0))
        , m_releasedBlocks(std::exchange(other.m_releasedBlocks, 0)) { }
    ChunkedList& operator=(ChunkedList&& other) noexcept
    {
        m_blocks = std::move(other.m_blocks);
        m_size = std::exchange(other.m_size, 0);
        m_releasedBlocks = std::exchange(other.m_releasedBlocks, 0);
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
        if (m_size == qsizetype(m_blocks.size()) * BlockSize)
            m_blocks.emplace_back(std::allocator<T>().allocate(BlockSize));
        ::new (static_cast<void*>(m_blocks.back().get() + m_size % BlockSize)) T(value);
        ++m_size;
    }

    // Frees every block.
    void clear()
    {
        m_blocks.clear();
        m_size = 0;
        m_releasedBlocks = 0;
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
};

} // namespace wsi
