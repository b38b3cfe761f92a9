using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace NetDetect.Core.Data;

/// <summary>
/// Remembers, for one reader job, which id a column's interner gave each raw UTF-8 value, so a repeated value
/// costs a hash of its bytes and one probe instead of a UTF-16 decode plus an interner lookup.
/// </summary>
/// <remarks>
/// Only for interners whose answer depends on the value alone and never changes (GetOrAdd-style: the first call
/// adds, later calls return the same id), so a hit returns exactly what the interner would have: the cache
/// never changes a result, only skips work. A slot holds hash, id, offset and length together, so a hit reads
/// one slot and the value's bytes: two cache misses where the interner needs three plus the decode.
/// It stops growing at <see cref="MaxBytes"/> (values and slots together) and keeps answering from what it holds.
/// </remarks>
internal sealed class Utf8IdCache
{
    public const long MaxBytes = 64L << 20;
    private const int MaxValueLength = 256;

    private struct Slot
    {
        public uint Hash;
        public int Id;      // id + 1; 0 = empty slot
        public int Offset;
        public int Length;
    }

    private Slot[] _slots = new Slot[1024];
    private int _mask = 1023;
    private int _count;
    private byte[] _bytes = new byte[16 << 10];
    private int _used;

    /// <summary>The cached id of <paramref name="utf8"/> or -1 (<paramref name="hash"/> is then what <see cref="Add"/> needs).</summary>
    public int Find(ReadOnlySpan<byte> utf8, out uint hash)
    {
        hash = Hash(utf8);
        return Find(utf8, hash);
    }

    /// <summary>Starts loading the slot a value with <paramref name="hash"/> probes first (a lookup soon after finds it in cache).</summary>
    public unsafe void PrefetchSlot(uint hash)
    {
        if (Sse.IsSupported) Sse.Prefetch0(Unsafe.AsPointer(ref _slots[(int)hash & _mask]));
    }

    /// <summary>Starts loading the bytes of the entry in that slot (call after <see cref="PrefetchSlot"/> had time to land).</summary>
    public unsafe void PrefetchValue(uint hash)
    {
        if (!Sse.IsSupported) return;
        ref var s = ref _slots[(int)hash & _mask];
        if (s.Id != 0 && s.Hash == hash) Sse.Prefetch0(Unsafe.AsPointer(ref _bytes[s.Offset]));
    }

    /// <summary><see cref="Find(ReadOnlySpan{byte}, out uint)"/> with the hash already computed by <see cref="Hash"/>.</summary>
    public int Find(ReadOnlySpan<byte> utf8, uint hash)
    {
        var slots = _slots;
        int i = (int)hash & _mask;
        while (true)
        {
            ref var s = ref slots[i];
            if (s.Id == 0) break;
            if (s.Hash == hash && s.Length == utf8.Length && _bytes.AsSpan(s.Offset, s.Length).SequenceEqual(utf8))
                return s.Id - 1;
            i = (i + 1) & _mask;
        }
        return -1;
    }

    /// <summary>Records that <paramref name="utf8"/> (hashed by <see cref="Find"/>) has id <paramref name="id"/>.</summary>
    public void Add(ReadOnlySpan<byte> utf8, uint hash, int id)
    {
        if (id < 0 || utf8.Length > MaxValueLength) return;
        if (_used + utf8.Length > _bytes.Length)
        {
            long size = Math.Max(_bytes.Length * 2L, _used + utf8.Length);
            if (size + (long)_slots.Length * 16 > MaxBytes) return;
            Array.Resize(ref _bytes, (int)size);
        }
        if ((_count + 1) * 2 > _slots.Length)
        {
            if ((long)_slots.Length * 32 + _bytes.Length > MaxBytes) return;
            Grow();
        }
        utf8.CopyTo(_bytes.AsSpan(_used));
        int i = (int)hash & _mask;
        while (_slots[i].Id != 0) i = (i + 1) & _mask;
        _slots[i] = new Slot { Hash = hash, Id = id + 1, Offset = _used, Length = utf8.Length };
        _used += utf8.Length;
        _count++;
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new Slot[old.Length * 2];
        _mask = _slots.Length - 1;
        foreach (var s in old)
        {
            if (s.Id == 0) continue;
            int i = (int)s.Hash & _mask;
            while (_slots[i].Id != 0) i = (i + 1) & _mask;
            _slots[i] = s;
        }
    }

    /// <summary>The hash of <paramref name="bytes"/>: the interners' own (<see cref="StringInterner.Hash"/>), so a miss hands it on.</summary>
    public static uint Hash(ReadOnlySpan<byte> bytes) => StringInterner.Hash(bytes);
}
