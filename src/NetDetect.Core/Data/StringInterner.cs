namespace NetDetect.Core.Data;

/// <summary>Maps strings to dense ids 0..Count-1 in first-seen order, without a heap string per entry.</summary>
/// <remarks>
/// Open addressing over an int table; the characters live in a <see cref="StringArena"/>. Ids depend only on
/// insertion order, never on hash values, so they are deterministic across runs.
/// </remarks>
public sealed class StringInterner
{
    private readonly StringArena _arena;
    // Each slot holds the hash in the high half and id + 1 in the low half (0 = empty), so a probe touches
    // one cache line and only a matching hash reads the characters: one miss per lookup in big tables.
    private ulong[] _table;
    private int _mask;

    public StringInterner(int capacity = 16)
    {
        capacity = Math.Max(capacity, 4);
        _arena = new StringArena(capacity);
        int size = TableSize(capacity);
        _table = LargeArrays.Allocate<ulong>(size);
        _mask = size - 1;
    }

    public int Count => _arena.Count;

    public void EnsureCapacity(int capacity)
    {
        _arena.EnsureCapacity(capacity);
        if ((long)capacity * 4 > (long)_table.Length * 3) Rehash(TableSize(capacity));
    }

    // Filled to at most three quarters: a probe rarely leaves its cache line (eight slots), and the table of
    // a 10-million-id column is 128 MB instead of 256 MB (memory that ingest has to page in and zero).
    private static int TableSize(int capacity) =>
        (int)Math.Min(1L << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Min(uint.MaxValue / 2, Math.Max(8, capacity) * 4L / 3 + 1)));

    /// <summary>The id of <paramref name="value"/>, adding it when new.</summary>
    public int GetOrAdd(ReadOnlySpan<char> value) => GetOrAdd(value, out _);

    /// <summary>The id of <paramref name="value"/>, adding it when new; <paramref name="added"/> says which.</summary>
    public int GetOrAdd(ReadOnlySpan<char> value, out bool added) => GetOrAdd(value, Hash(value), out added);

    /// <summary><see cref="GetOrAdd(ReadOnlySpan{char}, out bool)"/> with <paramref name="hash"/> = <see cref="Hash"/> of the value, computed earlier.</summary>
    internal int GetOrAdd(ReadOnlySpan<char> value, uint hash, out bool added)
    {
        int slot = (int)hash & _mask;
        var table = _table;
        while (true)
        {
            ulong entry = table[slot];
            if (entry == 0) break;
            if ((uint)(entry >> 32) == hash)
            {
                int id = (int)(uint)entry - 1;
                if (_arena.GetSpan(id).SequenceEqual(value))
                {
                    added = false;
                    return id;
                }
            }
            slot = (slot + 1) & _mask;
        }
        int newId = _arena.Add(value);
        table[slot] = ((ulong)hash << 32) | (uint)(newId + 1);
        added = true;
        if ((long)_arena.Count * 4 > (long)table.Length * 3) Rehash(table.Length * 2);
        return newId;
    }

    public int GetOrAdd(string value) => GetOrAdd(value.AsSpan());

    /// <summary>The id of <paramref name="value"/>, or -1 when it was never added.</summary>
    public int IndexOf(ReadOnlySpan<char> value)
    {
        uint hash = Hash(value);
        int slot = (int)hash & _mask;
        while (true)
        {
            ulong entry = _table[slot];
            if (entry == 0) return -1;
            if ((uint)(entry >> 32) == hash)
            {
                int id = (int)(uint)entry - 1;
                if (_arena.GetSpan(id).SequenceEqual(value)) return id;
            }
            slot = (slot + 1) & _mask;
        }
    }

    // A lookup that hits reads three places one after the other: the table slot, the arena entry, the
    // characters. A caller that knows the values coming up prefetches them in three stages, a few values
    // apart, so each stage's load has landed when the next stage reads it. Read-only hints: no result changes.

    /// <summary>Stage 1: starts loading the table slot a value with <paramref name="hash"/> probes first.</summary>
    internal unsafe void PrefetchSlot(uint hash)
    {
        if (System.Runtime.Intrinsics.X86.Sse.IsSupported)
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(System.Runtime.CompilerServices.Unsafe.AsPointer(ref _table[(int)hash & _mask]));
    }

    /// <summary>Stage 2 (slot loaded): starts loading the arena entry of the id in that slot.</summary>
    internal void PrefetchEntry(uint hash)
    {
        ulong entry = _table[(int)hash & _mask];
        if (entry != 0 && (uint)(entry >> 32) == hash) _arena.PrefetchEntry((int)(uint)entry - 1);
    }

    /// <summary>Stage 3 (entry loaded): starts loading that id's characters.</summary>
    internal void PrefetchChars(uint hash)
    {
        ulong entry = _table[(int)hash & _mask];
        if (entry != 0 && (uint)(entry >> 32) == hash) _arena.PrefetchChars((int)(uint)entry - 1);
    }

    public ReadOnlySpan<char> GetSpan(int id) => _arena.GetSpan(id);

    public string this[int id] => new(_arena.GetSpan(id));

    /// <summary>Bytes held: the characters and per-entry bookkeeping of the arena plus the hash table.</summary>
    public long EstimatedBytes => _arena.EstimatedBytes + (long)_table.Length * 8;

    // A per-process seed keeps crafted inputs from colliding on purpose; ids never depend on hash values.
    private static readonly ulong Seed = (ulong)Random.Shared.NextInt64() | 1;

    /// <summary>A fast 32-bit hash of the characters (two multiply-rotate lanes over 16-byte blocks, then a 64-bit finaliser).</summary>
    internal static uint Hash(ReadOnlySpan<char> value)
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(value);
        const ulong K1 = 0x9E3779B97F4A7C15, K2 = 0xC2B2AE3D27D4EB4F;
        ulong a = Seed, b = Seed ^ ((ulong)bytes.Length * K1);
        int i = 0;
        for (; i + 16 <= bytes.Length; i += 16)
        {
            a = System.Numerics.BitOperations.RotateLeft((a ^ System.Runtime.InteropServices.MemoryMarshal.Read<ulong>(bytes.Slice(i))) * K1, 29);
            b = System.Numerics.BitOperations.RotateLeft((b ^ System.Runtime.InteropServices.MemoryMarshal.Read<ulong>(bytes.Slice(i + 8))) * K2, 31);
        }
        if (i + 8 <= bytes.Length)
        {
            a = System.Numerics.BitOperations.RotateLeft((a ^ System.Runtime.InteropServices.MemoryMarshal.Read<ulong>(bytes.Slice(i))) * K1, 29);
            i += 8;
        }
        if (i < bytes.Length)
        {
            Span<byte> tail = stackalloc byte[8];
            tail.Clear();
            bytes[i..].CopyTo(tail);
            b = (b ^ System.Runtime.InteropServices.MemoryMarshal.Read<ulong>(tail)) * K2;
        }
        ulong h = a ^ System.Numerics.BitOperations.RotateLeft(b, 17);
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCD;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53;
        h ^= h >> 33;
        return (uint)h;
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
