namespace NetDetect.Core.Data;

/// <summary>Maps strings to dense ids 0..Count-1 in first-seen order, without a heap string per entry.</summary>
/// <remarks>
/// Open addressing over an int table; the characters live in a <see cref="StringArena"/>. Ids depend only on
/// insertion order, never on hash values, so they are deterministic across runs.
/// </remarks>
public sealed class StringInterner
{
    private readonly StringArena _arena;
    private int[] _table;
    private int[] _hashes;
    private int _mask;

    public StringInterner(int capacity = 16)
    {
        capacity = Math.Max(capacity, 4);
        _arena = new StringArena(capacity);
        _hashes = new int[capacity];
        int size = (int)Math.Min(1L << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity * 2));
        _table = new int[size];
        _mask = size - 1;
    }

    public int Count => _arena.Count;

    public void EnsureCapacity(int capacity)
    {
        _arena.EnsureCapacity(capacity);
        if (_hashes.Length < capacity) Array.Resize(ref _hashes, capacity);
        if ((long)capacity * 2 > _table.Length) Rehash((int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity * 2));
    }

    /// <summary>The id of <paramref name="value"/>, adding it when new.</summary>
    public int GetOrAdd(ReadOnlySpan<char> value) => GetOrAdd(value, out _);

    /// <summary>The id of <paramref name="value"/>, adding it when new; <paramref name="added"/> says which.</summary>
    public int GetOrAdd(ReadOnlySpan<char> value, out bool added)
    {
        int hash = string.GetHashCode(value);
        int slot = hash & _mask;
        while (true)
        {
            int entry = _table[slot];
            if (entry == 0) break;
            int id = entry - 1;
            if (_hashes[id] == hash && _arena.GetSpan(id).SequenceEqual(value))
            {
                added = false;
                return id;
            }
            slot = (slot + 1) & _mask;
        }
        int newId = _arena.Add(value);
        if (_hashes.Length <= newId) Array.Resize(ref _hashes, Math.Max(16, _hashes.Length * 2));
        _hashes[newId] = hash;
        _table[slot] = newId + 1;
        added = true;
        if ((long)_arena.Count * 2 > _table.Length) Rehash(_table.Length * 2);
        return newId;
    }

    public int GetOrAdd(string value) => GetOrAdd(value.AsSpan());

    /// <summary>The id of <paramref name="value"/>, or -1 when it was never added.</summary>
    public int IndexOf(ReadOnlySpan<char> value)
    {
        int hash = string.GetHashCode(value);
        int slot = hash & _mask;
        while (true)
        {
            int entry = _table[slot];
            if (entry == 0) return -1;
            int id = entry - 1;
            if (_hashes[id] == hash && _arena.GetSpan(id).SequenceEqual(value)) return id;
            slot = (slot + 1) & _mask;
        }
    }

    public ReadOnlySpan<char> GetSpan(int id) => _arena.GetSpan(id);

    public string this[int id] => new(_arena.GetSpan(id));

    public long EstimatedBytes => _arena.EstimatedBytes + (long)_table.Length * 4 + (long)_hashes.Length * 4;

    private void Rehash(int size)
    {
        _table = new int[size];
        _mask = size - 1;
        for (int id = 0; id < _arena.Count; id++)
        {
            int slot = _hashes[id] & _mask;
            while (_table[slot] != 0) slot = (slot + 1) & _mask;
            _table[slot] = id + 1;
        }
    }
}
