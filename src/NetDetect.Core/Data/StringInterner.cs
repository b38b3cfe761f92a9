using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text.Unicode;

namespace NetDetect.Core.Data;

/// <summary>Maps strings to dense ids 0..Count-1 in first-seen order, without a heap string per entry.</summary>
/// <remarks>
/// Open addressing over an int table; the values are kept as UTF-8 in large byte chunks. Ids depend only on
/// insertion order, never on hash values, so they are deterministic across runs.
/// UTF-8 rather than UTF-16 because ids, tags and URLs are nearly all ASCII: half the bytes to page in, hash
/// and compare, and the Parquet reader interns the bytes of a file as they are, with no decode. The encoding
/// is exact for every UTF-16 string: a lone surrogate (not valid UTF-16, so never read from a file) is kept as
/// its three-byte generalised-UTF-8 form, so <see cref="GetSpan"/> and the indexer give back exactly what was added.
/// A value in canonical decimal form (digits without a leading zero, at most <see cref="long.MaxValue"/>: post and
/// account ids of most platforms) is kept as that number in its 8-byte entry instead of as bytes: a 19-digit
/// snowflake id takes 8 bytes instead of 27, and the memory ingest has to page in shrinks with it.
/// </remarks>
public sealed class StringInterner
{
    private const int ChunkSize = 1 << 22;
    // Chunks start small and double, so the many small interners of a dataset (languages, clients) stay small.
    private const int FirstChunkSize = 1 << 10;

    // Each slot holds the hash in the high half and id + 1 in the low half (0 = empty), so a probe touches
    // one cache line and only a matching hash reads the bytes: one miss per lookup in big tables.
    private ulong[] _table;
    private int _mask;
    // Ordered mode (see UseOrderedMode): every value so far was greater than the one before, so none repeats
    // and the table is not built until a value breaks the order or a lookup needs it. Volatile: a lookup from
    // another thread must see the table before it sees the mode end.
    private volatile bool _ordered;
    private int _capacity;
    private readonly object _buildLock = new();
    // One 8-byte record per id (chunk, offset, length): a lookup that hits costs one miss for it, one for the bytes.
    private Entry[] _entries;
    private byte[][] _chunks = new byte[4][];
    private int _chunkCount;
    private int _current = -1;
    private int _used;

    /// <summary>Either a number (top bit set, the value in the other 63) or bytes: chunk (15 bits), offset in it (22 bits:
    /// chunks hold at most <see cref="ChunkSize"/> bytes) and length (26 bits); a value too long for a shared chunk has a
    /// chunk of its own, offset 0, length = that chunk's.</summary>
    private readonly struct Entry
    {
        private const int LengthBits = 26, OffsetBits = 22;
        private const ulong NumberTag = 1UL << 63;
        public const int OwnChunk = (1 << LengthBits) - 1;
        public const int MaxChunks = 1 << 15;
        private readonly ulong _bits;

        public Entry(int chunk, int offset, int length) =>
            _bits = ((ulong)(uint)chunk << (LengthBits + OffsetBits)) | ((ulong)(uint)offset << LengthBits) | (uint)length;

        private Entry(ulong bits) => _bits = bits;

        public static Entry ForNumber(long value) => new(NumberTag | (ulong)value);

        public bool IsNumber => (long)_bits < 0;
        public long Number => (long)(_bits & ~NumberTag);
        public int Chunk => (int)(_bits >> (LengthBits + OffsetBits));
        public int Offset => (int)(_bits >> LengthBits) & ((1 << OffsetBits) - 1);
        /// <summary>The length, or <see cref="OwnChunk"/> for a value that fills its own chunk.</summary>
        public int Length => (int)_bits & OwnChunk;
    }

    /// <summary>
    /// True when <paramref name="utf8"/> is a number in canonical decimal form: 1 to 19 ASCII digits, no leading zero
    /// (but "0" itself), at most <see cref="long.MaxValue"/>. Exactly these values are kept as numbers, so a value and
    /// its entry are both numbers or both bytes, and formatting the number gives the bytes back.
    /// </summary>
    internal static bool TryParseNumber(ReadOnlySpan<byte> utf8, out long value)
    {
        value = 0;
        int n = utf8.Length;
        if ((uint)(n - 1) > 18u) return false;
        uint first = (uint)(utf8[0] - '0');
        if (first > 9 || (first == 0 && n > 1)) return false;
        ulong v = first;
        for (int i = 1; i < n; i++)
        {
            uint d = (uint)(utf8[i] - '0');
            if (d > 9) return false;
            v = v * 10 + d; // 19 digits fit in a ulong
        }
        if (v > long.MaxValue) return false;
        value = (long)v;
        return true;
    }

    /// <summary>The decimal digits of <paramref name="value"/> (at most 19) into <paramref name="target"/>; returns the count.</summary>
    private static int FormatNumber(long value, Span<byte> target)
    {
        System.Buffers.Text.Utf8Formatter.TryFormat(value, target, out int written);
        return written;
    }

    // GetUtf8 of a number formats it here: the span is valid until the next such call on the same thread.
    [ThreadStatic] private static byte[]? t_numberBytes;

    public StringInterner(int capacity = 16)
    {
        capacity = Math.Max(capacity, 4);
        _entries = LargeArrays.Allocate<Entry>(capacity);
        _capacity = capacity;
        int size = TableSize(capacity);
        _table = LargeArrays.Allocate<ulong>(size);
        _mask = size - 1;
    }

    public int Count { get; private set; }

    public void EnsureCapacity(int capacity)
    {
        if (capacity > _entries.Length) LargeArrays.Resize(ref _entries, capacity, Count);
        _capacity = Math.Max(_capacity, capacity);
        if (_ordered) return;
        if ((long)capacity * 4 > (long)_table.Length * 3) Rehash(TableSize(capacity));
    }

    /// <summary>Room for <paramref name="count"/> ids in the per-id entries only: they fill in order, so room never used
    /// is never paged in, while the hash table (probed all over) keeps growing with the ids actually added.</summary>
    internal void ReserveEntries(int count)
    {
        if (count > _entries.Length) LargeArrays.Resize(ref _entries, count, Count);
    }

    /// <summary>
    /// For a column whose values are often added in ascending order (post ids sorted by time): while each new
    /// value is greater than the last (shorter first, then bytewise, which for numeric ids is numeric order), it
    /// cannot have been seen, so no hash table is built or probed. The first value out of order, or the first
    /// lookup, builds the table from the values so far and the interner goes on as usual. Ids never differ.
    /// </summary>
    internal void UseOrderedMode()
    {
        if (Count != 0 || _ordered) return;
        _ordered = true;
        _table = [];
        _mask = -1;
    }

    /// <summary>True while in ordered mode without a hash table (see <see cref="UseOrderedMode"/>).</summary>
    internal bool IsOrdered => _ordered;

    // The table was dropped by ReleaseTable: the ids are not known to be in order, so the next lookup or add rebuilds it.
    private volatile bool _tableReleased;

    /// <summary>
    /// Drops the hash table (8 bytes a slot, 134 MB for 10M post ids) for a stage that only reads values by id: a later
    /// lookup by value, or an add, builds it again from the entries first, so ids and answers never change.
    /// </summary>
    internal void ReleaseTable()
    {
        lock (_buildLock)
        {
            if (_ordered) return;
            _table = [];
            _mask = -1;
            _tableReleased = true;
            _ordered = true;
        }
    }

    /// <summary>Whether the hash table is dropped (<see cref="ReleaseTable"/>) and not yet built again.</summary>
    internal bool TableReleased => _tableReleased;

    private void EnsureTable()
    {
        if (!_ordered) return;
        lock (_buildLock)
        {
            if (!_ordered) return;
            int size = TableSize(Math.Max(Count, _capacity));
            var table = LargeArrays.Allocate<ulong>(size);
            int mask = size - 1;
            Span<byte> digits = stackalloc byte[20];
            for (int id = 0; id < Count; id++)
            {
                var e = _entries[id];
                uint hash = Hash(e.IsNumber ? digits[..FormatNumber(e.Number, digits)] : Bytes(e));
                int slot = (int)hash & mask;
                while (table[slot] != 0) slot = (slot + 1) & mask;
                table[slot] = ((ulong)hash << 32) | (uint)(id + 1);
            }
            _table = table;
            _mask = mask;
            _tableReleased = false;
            _ordered = false;
        }
    }

    private static bool Greater(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        a.Length != b.Length ? a.Length > b.Length : a.SequenceCompareTo(b) > 0;

    /// <summary>Whether <paramref name="utf8"/> orders after the last value added (see <see cref="UseOrderedMode"/>).</summary>
    private bool GreaterThanLast(ReadOnlySpan<byte> utf8, bool isNumber, long number)
    {
        var last = _entries[Count - 1];
        if (!last.IsNumber) return Greater(utf8, Bytes(last));
        // Canonical numbers order by (length, bytes) exactly as they order numerically.
        if (isNumber) return number > last.Number;
        Span<byte> digits = stackalloc byte[20];
        return Greater(utf8, digits[..FormatNumber(last.Number, digits)]);
    }

    // Filled to at most three quarters: a probe rarely leaves its cache line (eight slots), and the table of
    // a 10-million-id column is 128 MB instead of 256 MB (memory that ingest has to page in and zero).
    private static int TableSize(int capacity) =>
        (int)Math.Min(1L << 30, BitOperations.RoundUpToPowerOf2((uint)Math.Min(uint.MaxValue / 2, Math.Max(8, capacity) * 4L / 3 + 1)));

    // Values up to this many chars are encoded to UTF-8 on the stack (a post text of 280 fits), longer ones in a rented buffer.
    private const int StackChars = 512;

    /// <summary>The id of <paramref name="value"/>, adding it when new.</summary>
    public int GetOrAdd(ReadOnlySpan<char> value) => GetOrAdd(value, out _);

    /// <summary>The id of <paramref name="value"/>, adding it when new; <paramref name="added"/> says which.</summary>
    [SkipLocalsInit] // the stack buffer is written before it is read
    public int GetOrAdd(ReadOnlySpan<char> value, out bool added)
    {
        byte[]? rented = null;
        Span<byte> buffer = value.Length <= StackChars ? stackalloc byte[StackChars * 3] : (rented = ArrayPool<byte>.Shared.Rent(value.Length * 3));
        var utf8 = buffer[..Encode(value, buffer)];
        int id = GetOrAddUtf8(utf8, Hash(utf8), out added);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        return id;
    }

    public int GetOrAdd(string value) => GetOrAdd(value.AsSpan());

    /// <summary>
    /// The id of the value whose exact UTF-8 bytes are <paramref name="utf8"/> (with <paramref name="hash"/> =
    /// <see cref="Hash"/> of them), adding it when new. The bytes must be valid UTF-8: the caller checks.
    /// </summary>
    internal int GetOrAddUtf8(ReadOnlySpan<byte> utf8, uint hash, out bool added)
    {
        if (_ordered)
        {
            // (a released table says nothing about order: rebuild it)
            if (!_tableReleased)
            {
                bool isNumber = TryParseNumber(utf8, out long number);
                if (Count == 0 || GreaterThanLast(utf8, isNumber, number))
                {
                    added = true;
                    return Append(utf8, isNumber, number);
                }
            }
            EnsureTable();
        }
        int slot = (int)hash & _mask;
        var table = _table;
        while (true)
        {
            ulong entry = table[slot];
            if (entry == 0) break;
            if ((uint)(entry >> 32) == hash && Matches((int)(uint)entry - 1, utf8))
            {
                added = false;
                return (int)(uint)entry - 1;
            }
            slot = (slot + 1) & _mask;
        }
        int newId = Append(utf8);
        table[slot] = ((ulong)hash << 32) | (uint)(newId + 1);
        added = true;
        if ((long)Count * 4 > (long)table.Length * 3) Rehash(table.Length * 2);
        return newId;
    }

    /// <summary>The id of <paramref name="value"/>, or -1 when it was never added.</summary>
    /// <remarks>Safe to call from several threads at once while nothing is being added.</remarks>
    [SkipLocalsInit]
    public int IndexOf(ReadOnlySpan<char> value)
    {
        byte[]? rented = null;
        Span<byte> buffer = value.Length <= StackChars ? stackalloc byte[StackChars * 3] : (rented = ArrayPool<byte>.Shared.Rent(value.Length * 3));
        int id = IndexOfUtf8(buffer[..Encode(value, buffer)]);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        return id;
    }

    /// <summary>The id of the value with UTF-8 bytes <paramref name="utf8"/>, or -1 when it was never added.</summary>
    internal int IndexOfUtf8(ReadOnlySpan<byte> utf8) => IndexOfUtf8(utf8, Hash(utf8));

    /// <summary>The id of the value with UTF-8 bytes <paramref name="utf8"/> whose <see cref="Hash"/> is <paramref name="hash"/>, or -1 when it was never added.</summary>
    internal int IndexOfUtf8(ReadOnlySpan<byte> utf8, uint hash)
    {
        EnsureTable();
        int slot = (int)hash & _mask;
        while (true)
        {
            ulong entry = _table[slot];
            if (entry == 0) return -1;
            if ((uint)(entry >> 32) == hash && Matches((int)(uint)entry - 1, utf8)) return (int)(uint)entry - 1;
            slot = (slot + 1) & _mask;
        }
    }

    /// <summary>Whether id's value is exactly <paramref name="utf8"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Matches(int id, ReadOnlySpan<byte> utf8)
    {
        var e = _entries[id];
        // A canonical number is never kept as bytes, so bytes and numbers can only match their own kind.
        return e.IsNumber ? TryParseNumber(utf8, out long value) && value == e.Number : Bytes(e).SequenceEqual(utf8);
    }

    private int Append(ReadOnlySpan<byte> utf8) => Append(utf8, TryParseNumber(utf8, out long number), number);

    /// <summary>Adds <paramref name="utf8"/> as the next id; <paramref name="isNumber"/> and <paramref name="number"/> are what <see cref="TryParseNumber"/> gives for it.</summary>
    private int Append(ReadOnlySpan<byte> utf8, bool isNumber, long number)
    {
        int id = Count;
        if (id == _entries.Length) LargeArrays.Resize(ref _entries, Math.Max(4, _entries.Length * 2), id);
        if (isNumber)
        {
            _entries[id] = Entry.ForNumber(number);
            Count = id + 1;
            return id;
        }
        int chunk, offset;
        if (utf8.Length > ChunkSize)
        {
            // An oversize value gets a chunk of its own; the current chunk stays open for the next ones.
            chunk = AddChunk(utf8.ToArray());
            offset = 0;
        }
        else
        {
            if (_current < 0 || _used + utf8.Length > _chunks[_current].Length)
            {
                int size = _current < 0 ? FirstChunkSize : Math.Min(ChunkSize, _chunks[_current].Length * 2);
                _current = AddChunk(LargeArrays.Allocate<byte>(Math.Max(size, utf8.Length)));
                _used = 0;
            }
            utf8.CopyTo(_chunks[_current].AsSpan(_used));
            chunk = _current;
            offset = _used;
            _used += utf8.Length;
        }
        // An empty value points at nothing: offset 0, since the end of a full chunk would not fit the offset bits.
        _entries[id] = new Entry(chunk, utf8.IsEmpty ? 0 : offset, utf8.Length > ChunkSize ? Entry.OwnChunk : utf8.Length);
        Count = id + 1;
        return id;
    }

    private int AddChunk(byte[] chunk)
    {
        if (_chunkCount == Entry.MaxChunks) throw new InvalidOperationException($"an interner holds at most {Entry.MaxChunks} chunks of {ChunkSize} bytes");
        if (_chunkCount == _chunks.Length) Array.Resize(ref _chunks, _chunks.Length * 2);
        _chunks[_chunkCount] = chunk;
        return _chunkCount++;
    }

    /// <summary>The bytes of an entry that is not a number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Bytes(Entry e)
    {
        var chunk = _chunks[e.Chunk];
        return e.Length == Entry.OwnChunk ? chunk : new ReadOnlySpan<byte>(chunk, e.Offset, e.Length);
    }

    // A lookup that hits reads three places one after the other: the table slot, the entry, the bytes.
    // A caller that knows the values coming up prefetches them in three stages, a few values apart, so each
    // stage's load has landed when the next stage reads it. Read-only hints: no result changes.

    /// <summary>Stage 1: starts loading the table slot a value with <paramref name="hash"/> probes first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal unsafe void PrefetchSlot(uint hash)
    {
        if (Sse.IsSupported && !_ordered) Sse.Prefetch0(Unsafe.AsPointer(ref _table[(int)hash & _mask]));
    }

    /// <summary>Stage 2 (slot loaded): starts loading the entry of the id in that slot.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal unsafe void PrefetchEntry(uint hash)
    {
        if (_ordered) return;
        ulong entry = _table[(int)hash & _mask];
        if (Sse.IsSupported && entry != 0 && (uint)(entry >> 32) == hash)
            Sse.Prefetch0(Unsafe.AsPointer(ref _entries[(int)(uint)entry - 1]));
    }

    /// <summary>Stage 3 (entry loaded): starts loading that id's bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal unsafe void PrefetchBytes(uint hash)
    {
        if (_ordered) return;
        ulong entry = _table[(int)hash & _mask];
        if (!Sse.IsSupported || entry == 0 || (uint)(entry >> 32) != hash) return;
        var e = _entries[(int)(uint)entry - 1];
        if (!e.IsNumber && (uint)e.Chunk < (uint)_chunkCount && (uint)e.Offset < (uint)_chunks[e.Chunk].Length)
            Sse.Prefetch0(Unsafe.AsPointer(ref _chunks[e.Chunk][e.Offset]));
    }

    /// <summary>The UTF-8 bytes of <paramref name="id"/>: valid while the interner lives, or for a number (see
    /// <see cref="IsNumber"/>) until the next call for a number on the same thread.</summary>
    internal ReadOnlySpan<byte> GetUtf8(int id)
    {
        var e = _entries[id];
        if (!e.IsNumber) return Bytes(e);
        var buffer = t_numberBytes ??= new byte[20];
        return buffer.AsSpan(0, FormatNumber(e.Number, buffer));
    }

    /// <summary>True when <paramref name="id"/>'s value is a number in canonical decimal form (kept as that number).</summary>
    public bool IsNumber(int id) => _entries[id].IsNumber;

    /// <summary>The characters of <paramref name="id"/> (a new buffer each call: prefer <see cref="this[int]"/> for a string).</summary>
    public ReadOnlySpan<char> GetSpan(int id)
    {
        var e = _entries[id];
        if (e.IsNumber) return e.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var bytes = Bytes(e);
        if (bytes.IsEmpty) return ReadOnlySpan<char>.Empty;
        var chars = new char[bytes.Length];
        return chars.AsSpan(0, Decode(bytes, chars));
    }

    public string this[int id]
    {
        get
        {
            var e = _entries[id];
            if (e.IsNumber) return e.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var bytes = Bytes(e);
            if (Utf8.IsValid(bytes)) return System.Text.Encoding.UTF8.GetString(bytes);
            return new string(GetSpan(id));
        }
    }

    /// <summary>Bytes held: the UTF-8 chunks, the per-id entries and the hash table.</summary>
    public long EstimatedBytes
    {
        get
        {
            long chunks = 0;
            for (int c = 0; c < _chunkCount; c++) chunks += _chunks[c].Length;
            return chunks + (long)_entries.Length * Unsafe.SizeOf<Entry>() + (long)_table.Length * 8;
        }
    }

    // A per-process seed keeps crafted inputs from colliding on purpose; ids never depend on hash values.
    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64() | 1;

    /// <summary>A fast 32-bit hash of UTF-8 bytes (two multiply-rotate lanes over 16-byte blocks, then a 64-bit finaliser).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Hash(ReadOnlySpan<byte> bytes)
    {
        const ulong K1 = 0x9E3779B97F4A7C15, K2 = 0xC2B2AE3D27D4EB4F;
        ulong a = Seed, b = Seed ^ ((ulong)bytes.Length * K1);
        ref byte p = ref MemoryMarshal.GetReference(bytes);
        int n = bytes.Length, i = 0;
        for (; i + 16 <= n; i += 16)
        {
            a = BitOperations.RotateLeft((a ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i))) * K1, 29);
            b = BitOperations.RotateLeft((b ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i + 8))) * K2, 31);
        }
        if (i + 8 <= n)
        {
            a = BitOperations.RotateLeft((a ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i))) * K1, 29);
            i += 8;
        }
        if (i < n)
        {
            // The last 1-7 bytes: when the value has 8 or more, one load of its last 8 bytes (overlapping bytes
            // already mixed in are harmless; the length is in the seed), else byte by byte.
            ulong tail;
            if (n >= 8) tail = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, n - 8));
            else
            {
                tail = 0;
                for (int k = n - 1; k >= i; k--) tail = (tail << 8) | Unsafe.Add(ref p, k);
            }
            b = (b ^ tail) * K2;
        }
        ulong h = a ^ BitOperations.RotateLeft(b, 17);
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCD;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53;
        h ^= h >> 33;
        return (uint)h;
    }

    /// <summary>UTF-16 to UTF-8 into <paramref name="target"/> (at least 3 bytes per char), lone surrogates as three generalised-UTF-8 bytes; returns the byte count.</summary>
    internal static int Encode(ReadOnlySpan<char> value, Span<byte> target)
    {
        if (Utf8.FromUtf16(value, target, out int read, out int written, replaceInvalidSequences: false) == OperationStatus.Done) return written;
        // Only lone surrogates get here (the target is large enough): encode the rest one code unit or pair at a time.
        for (int i = read; i < value.Length; i++)
        {
            int c = value[i];
            if (char.IsHighSurrogate((char)c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                int cp = char.ConvertToUtf32((char)c, value[++i]);
                target[written++] = (byte)(0xF0 | (cp >> 18));
                target[written++] = (byte)(0x80 | ((cp >> 12) & 0x3F));
                target[written++] = (byte)(0x80 | ((cp >> 6) & 0x3F));
                target[written++] = (byte)(0x80 | (cp & 0x3F));
            }
            else if (c < 0x80) target[written++] = (byte)c;
            else if (c < 0x800)
            {
                target[written++] = (byte)(0xC0 | (c >> 6));
                target[written++] = (byte)(0x80 | (c & 0x3F));
            }
            else
            {
                target[written++] = (byte)(0xE0 | (c >> 12));
                target[written++] = (byte)(0x80 | ((c >> 6) & 0x3F));
                target[written++] = (byte)(0x80 | (c & 0x3F));
            }
        }
        return written;
    }

    /// <summary>The inverse of <see cref="Encode"/> into <paramref name="target"/> (at least one char per byte); returns the char count.</summary>
    internal static int Decode(ReadOnlySpan<byte> utf8, Span<char> target)
    {
        if (Utf8.ToUtf16(utf8, target, out int read, out int written, replaceInvalidSequences: false) == OperationStatus.Done) return written;
        // Only what Encode wrote for a lone surrogate gets here: decode the rest by hand.
        for (int i = read; i < utf8.Length;)
        {
            int b = utf8[i];
            if (b < 0x80)
            {
                target[written++] = (char)b;
                i++;
            }
            else if (b < 0xE0)
            {
                target[written++] = (char)(((b & 0x1F) << 6) | (utf8[i + 1] & 0x3F));
                i += 2;
            }
            else if (b < 0xF0)
            {
                target[written++] = (char)(((b & 0x0F) << 12) | ((utf8[i + 1] & 0x3F) << 6) | (utf8[i + 2] & 0x3F));
                i += 3;
            }
            else
            {
                int cp = ((b & 0x07) << 18) | ((utf8[i + 1] & 0x3F) << 12) | ((utf8[i + 2] & 0x3F) << 6) | (utf8[i + 3] & 0x3F);
                cp -= 0x10000;
                target[written++] = (char)(0xD800 + (cp >> 10));
                target[written++] = (char)(0xDC00 + (cp & 0x3FF));
                i += 4;
            }
        }
        return written;
    }

    private void Rehash(int size)
    {
        var old = _table;
        var table = LargeArrays.Allocate<ulong>(size);
        int mask = size - 1;
        foreach (ulong entry in old)
        {
            if (entry == 0) continue;
            int slot = (int)(entry >> 32) & mask;
            while (table[slot] != 0) slot = (slot + 1) & mask;
            table[slot] = entry;
        }
        _table = table;
        _mask = mask;
    }
}
