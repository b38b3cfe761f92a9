namespace NetDetect.Core.Data;

/// <summary>Append-only store of strings as spans over large char chunks: one entry per row, nulls allowed.</summary>
/// <remarks>
/// Keeps millions of short strings without one heap object each: 12 bytes of bookkeeping per entry plus the
/// characters. Entries never move, so spans handed out stay valid while the arena lives.
/// </remarks>
public sealed class StringArena
{
    private const int ChunkSize = 1 << 22;
    // Chunks start small and double, so the many small arenas of a dataset (languages, labels) stay small.
    private const int FirstChunkSize = 1 << 10;
    private readonly List<char[]> _chunks = [];
    private int _current = -1;
    private int _used;
    // One 12-byte record per entry rather than three parallel arrays: a lookup (the interners compare
    // against these on every hit) then costs one cache miss for the bookkeeping instead of three.
    private Entry[] _entries;
    // Entries at or past this index were never written and still hold the all-zero null entry, so appending a
    // null writes nothing: an all-null column (posts without text) leaves its entry pages untouched and unpaged.
    private int _written;

    private struct Entry
    {
        public int Chunk;          // index into _chunks (0 for null or empty)
        public int Offset;
        public int LengthPlusOne;  // 0 = null (the zeroed default), 1 = empty

        public readonly int Length => LengthPlusOne - 1;
    }

    public StringArena(int capacity = 16)
    {
        capacity = Math.Max(capacity, 4);
        _entries = LargeArrays.Allocate<Entry>(capacity);
    }

    /// <summary>Number of entries.</summary>
    public int Count { get; private set; }

    /// <summary>Characters stored, for memory accounting.</summary>
    public long CharCount { get; private set; }

    public void EnsureCapacity(int capacity)
    {
        if (capacity <= _entries.Length) return;
        LargeArrays.Resize(ref _entries, capacity, _written);
    }

    /// <summary>Appends a string (null allowed) and returns its index.</summary>
    public int Add(string? value) => value is null ? AddNull() : Add(value.AsSpan());

    /// <summary>Appends a null entry and returns its index.</summary>
    public int AddNull()
    {
        Grow();
        int i = Count++;
        if (i < _written) _entries[i] = default;
        return i;
    }

    /// <summary>Appends the characters of <paramref name="value"/> and returns the new entry's index.</summary>
    public int Add(ReadOnlySpan<char> value)
    {
        Grow();
        int i = Count++;
        if (value.Length == 0)
        {
            _entries[i] = new Entry { LengthPlusOne = 1 };
            _written = Math.Max(_written, i + 1);
            return i;
        }
        int chunk, offset;
        if (value.Length > ChunkSize)
        {
            // An oversize string gets a chunk of its own; the current chunk stays open for the next ones.
            _chunks.Add(value.ToArray());
            chunk = _chunks.Count - 1;
            offset = 0;
        }
        else
        {
            if (_current < 0 || _used + value.Length > _chunks[_current].Length)
            {
                int size = _current < 0 ? FirstChunkSize : Math.Min(ChunkSize, _chunks[_current].Length * 2);
                _chunks.Add(LargeArrays.Allocate<char>(Math.Max(size, value.Length)));
                _current = _chunks.Count - 1;
                _used = 0;
            }
            value.CopyTo(_chunks[_current].AsSpan(_used));
            chunk = _current;
            offset = _used;
            _used += value.Length;
        }
        _entries[i] = new Entry { Chunk = chunk, Offset = offset, LengthPlusOne = value.Length + 1 };
        _written = Math.Max(_written, i + 1);
        CharCount += value.Length;
        return i;
    }

    /// <summary>Overwrites entry <paramref name="index"/>; the old characters stay in the arena unused.</summary>
    public void Set(int index, string? value)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        int count = Count;
        Count = index;
        CharCount -= Math.Max(0, _entries[index].Length);
        Add(value);
        Count = count;
    }

    /// <summary>Sets every null or empty entry to <paramref name="value"/>.</summary>
    public void FillEmpty(string value)
    {
        for (int i = 0; i < Count; i++)
            if (_entries[i].Length <= 0) Set(i, value);
    }

    public bool IsNull(int index)
    {
        ThrowIfReleased();
        return _entries[index].Length < 0;
    }

    /// <summary>True once <see cref="Release"/> dropped the characters.</summary>
    public bool Released { get; private set; }

    /// <summary>
    /// Drops every entry's characters (the count stays): for a column a run no longer reads, such as post texts once
    /// the text layers are built (1.2 GB of a 10M-post dataset). Reading an entry afterwards throws.
    /// </summary>
    public void Release()
    {
        _chunks.Clear();
        _chunks.TrimExcess();
        _entries = [];
        _written = 0;
        _current = -1;
        _used = 0;
        Released = true;
    }

    private void ThrowIfReleased()
    {
        if (Released) throw new InvalidOperationException("this column's text was released once the run had read it (StringArena.Release)");
    }

    /// <summary>The characters of entry <paramref name="index"/>; empty for null.</summary>
    public ReadOnlySpan<char> GetSpan(int index)
    {
        ThrowIfReleased();
        ref readonly var e = ref _entries[index];
        if (e.Length <= 0) return ReadOnlySpan<char>.Empty;
        return new ReadOnlySpan<char>(_chunks[e.Chunk], e.Offset, e.Length);
    }

    internal unsafe void PrefetchEntry(int index)
    {
        if (System.Runtime.Intrinsics.X86.Sse.IsSupported && (uint)index < (uint)_entries.Length)
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(System.Runtime.CompilerServices.Unsafe.AsPointer(ref _entries[index]));
    }

    internal unsafe void PrefetchChars(int index)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported || (uint)index >= (uint)_entries.Length) return;
        ref readonly var e = ref _entries[index];
        if (e.Length > 0 && (uint)e.Chunk < (uint)_chunks.Count && (uint)e.Offset < (uint)_chunks[e.Chunk].Length)
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(System.Runtime.CompilerServices.Unsafe.AsPointer(ref _chunks[e.Chunk][e.Offset]));
    }

    public string? GetString(int index) => IsNull(index) ? null : new string(GetSpan(index));

    public string? this[int index] => GetString(index);

    /// <summary>Approximate bytes held, for the memory figures in benchmarks.</summary>
    public long EstimatedBytes => (long)_chunks.Sum(c => (long)c.Length) * 2 + (long)_entries.Length * 12;

    private void Grow()
    {
        ThrowIfReleased();
        if (Count == _entries.Length) EnsureCapacity(_entries.Length * 2);
    }
}
