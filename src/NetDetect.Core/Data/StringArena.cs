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
    private int[] _chunk;
    private int[] _offset;
    private int[] _length;

    public StringArena(int capacity = 16)
    {
        capacity = Math.Max(capacity, 4);
        _chunk = new int[capacity];
        _offset = new int[capacity];
        _length = new int[capacity];
    }

    /// <summary>Number of entries.</summary>
    public int Count { get; private set; }

    /// <summary>Characters stored, for memory accounting.</summary>
    public long CharCount { get; private set; }

    public void EnsureCapacity(int capacity)
    {
        if (capacity <= _chunk.Length) return;
        Array.Resize(ref _chunk, capacity);
        Array.Resize(ref _offset, capacity);
        Array.Resize(ref _length, capacity);
    }

    /// <summary>Appends a string (null allowed) and returns its index.</summary>
    public int Add(string? value) => value is null ? AddNull() : Add(value.AsSpan());

    /// <summary>Appends a null entry and returns its index.</summary>
    public int AddNull()
    {
        Grow();
        int i = Count++;
        _chunk[i] = -1;
        _offset[i] = 0;
        _length[i] = -1;
        return i;
    }

    /// <summary>Appends the characters of <paramref name="value"/> and returns the new entry's index.</summary>
    public int Add(ReadOnlySpan<char> value)
    {
        Grow();
        int i = Count++;
        if (value.Length == 0)
        {
            _chunk[i] = -1;
            _offset[i] = 0;
            _length[i] = 0;
            return i;
        }
        if (value.Length > ChunkSize)
        {
            // An oversize string gets a chunk of its own; the current chunk stays open for the next ones.
            _chunks.Add(value.ToArray());
            _chunk[i] = _chunks.Count - 1;
            _offset[i] = 0;
        }
        else
        {
            if (_current < 0 || _used + value.Length > _chunks[_current].Length)
            {
                int size = _current < 0 ? FirstChunkSize : Math.Min(ChunkSize, _chunks[_current].Length * 2);
                _chunks.Add(new char[Math.Max(size, value.Length)]);
                _current = _chunks.Count - 1;
                _used = 0;
            }
            value.CopyTo(_chunks[_current].AsSpan(_used));
            _chunk[i] = _current;
            _offset[i] = _used;
            _used += value.Length;
        }
        _length[i] = value.Length;
        CharCount += value.Length;
        return i;
    }

    /// <summary>Overwrites entry <paramref name="index"/>; the old characters stay in the arena unused.</summary>
    public void Set(int index, string? value)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        int count = Count;
        Count = index;
        CharCount -= Math.Max(0, _length[index]);
        Add(value);
        Count = count;
    }

    /// <summary>Sets every null or empty entry to <paramref name="value"/>.</summary>
    public void FillEmpty(string value)
    {
        for (int i = 0; i < Count; i++)
            if (_length[i] <= 0) Set(i, value);
    }

    public bool IsNull(int index) => _length[index] < 0;

    /// <summary>The characters of entry <paramref name="index"/>; empty for null.</summary>
    public ReadOnlySpan<char> GetSpan(int index)
    {
        int len = _length[index];
        if (len <= 0) return ReadOnlySpan<char>.Empty;
        return new ReadOnlySpan<char>(_chunks[_chunk[index]], _offset[index], len);
    }

    public string? GetString(int index) => _length[index] < 0 ? null : new string(GetSpan(index));

    public string? this[int index] => GetString(index);

    /// <summary>Approximate bytes held, for the memory figures in benchmarks.</summary>
    public long EstimatedBytes => (long)_chunks.Sum(c => (long)c.Length) * 2 + (long)_chunk.Length * 12;

    private void Grow()
    {
        if (Count == _chunk.Length) EnsureCapacity(_chunk.Length * 2);
    }
}
