using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDetect.Core.Network;

/// <summary>One account pair's running totals in 64 bytes, one cache line per pair update.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct EdgeSlot
{
    public ulong Key;
    public long SumDeltaMicros;
    public long FirstTime;
    public long LastTime;
    public double Evidence;
    /// <summary>Pairs within one chunk (a chunk holds at most a few million shares, far below 2^31 pairs per account pair).</summary>
    public int Pairs;
    public int Objects;
    public int LastObject;
    public int Top;
    /// <summary>posts_a/posts_b counted inside the chunk (when no post has shares in two chunks).</summary>
    public int PostsA;
    public int PostsB;
}

/// <summary>
/// Open-addressing hash map from a packed account pair (low account &lt;&lt; 32 | high account) to its totals,
/// plus the top-K strongest shared objects of each pair with an example pair of posts.
/// </summary>
/// <remarks>
/// Objects reach the accumulator in increasing order, so "a new object for this pair" is simply
/// <c>LastObject != object</c>: distinct objects and the idf evidence cost no set.
/// </remarks>
internal sealed class PairAccumulator
{
    private EdgeSlot[] _slots;
    private int _mask;
    private int _shift;
    public int Count { get; private set; }

    public readonly int TopK;
    // Top-K evidence, K entries per pair, indexed by EdgeSlot.Top; Object -1 = empty.
    private int[] _topObject;
    private int[] _topPostA;
    private int[] _topPostB;
    private long[] _topDelta;
    private double[] _topIdf;

    public PairAccumulator(int expectedPairs, int topK)
    {
        int size = (int)Math.Min(1 << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, expectedPairs * 2)));
        _slots = new EdgeSlot[size];
        _mask = size - 1;
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)size);
        TopK = topK;
        int topCap = Math.Max(16, expectedPairs / 2) * Math.Max(1, topK);
        _topObject = new int[topK == 0 ? 0 : topCap];
        _topPostA = new int[_topObject.Length];
        _topPostB = new int[_topObject.Length];
        _topDelta = new long[_topObject.Length];
        _topIdf = new double[_topObject.Length];
    }

    internal EdgeSlot[] Slots => _slots;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong PackPair(int low, int high) => ((ulong)(uint)low << 32) | (uint)high;

    /// <summary>Adds one co-share pair: accounts packed in <paramref name="key"/>, <paramref name="postA"/> by the low account.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ulong key, long delta, int obj, double idf, int postA, int postB, long firstTime, long lastTime)
    {
        ref EdgeSlot s = ref Find(key);
        s.Pairs++;
        s.SumDeltaMicros += delta;
        if (firstTime < s.FirstTime) s.FirstTime = firstTime;
        if (lastTime > s.LastTime) s.LastTime = lastTime;
        if (s.LastObject != obj)
        {
            s.LastObject = obj;
            s.Objects++;
            s.Evidence += idf;
            if (TopK > 0) OfferTop(s.Top, obj, idf, postA, postB, delta);
        }
    }

    /// <summary>Adds only the pair count and Δ (the benchmark of the bare aggregation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddCount(ulong key, long delta)
    {
        ref EdgeSlot s = ref Find(key);
        s.Pairs++;
        s.SumDeltaMicros += delta;
    }

    /// <summary>The existing slot of <paramref name="key"/> (the pair must have been added).</summary>
    public ref EdgeSlot Existing(ulong key)
    {
        int i = (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);
        while (_slots[i].Key != key)
        {
            if (_slots[i].Key == 0) throw new InvalidOperationException("pair not in the accumulator");
            i = (i + 1) & _mask;
        }
        return ref _slots[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref EdgeSlot Find(ulong key)
    {
        int i = (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);
        while (true)
        {
            ref EdgeSlot s = ref _slots[i];
            if (s.Key == key) return ref s;
            if (s.Key == 0) return ref Insert(ref s, key);
            i = (i + 1) & _mask;
        }
    }

    // Keys are never 0: the low account is smaller than the high one, so the high half is at least 1.
    private ref EdgeSlot Insert(ref EdgeSlot s, ulong key)
    {
        if ((Count + 1) * 2 > _slots.Length)
        {
            Grow();
            return ref Find(key);
        }
        s.Key = key;
        s.FirstTime = long.MaxValue;
        s.LastTime = long.MinValue;
        s.LastObject = -1;
        s.Top = Count;
        if (TopK > 0)
        {
            int need = (Count + 1) * TopK;
            if (need > _topObject.Length)
            {
                int cap = Math.Max(need, _topObject.Length * 2);
                Array.Resize(ref _topObject, cap);
                Array.Resize(ref _topPostA, cap);
                Array.Resize(ref _topPostB, cap);
                Array.Resize(ref _topDelta, cap);
                Array.Resize(ref _topIdf, cap);
            }
            _topObject.AsSpan(Count * TopK, TopK).Fill(-1);
        }
        Count++;
        return ref s;
    }

    private void Grow()
    {
        var old = _slots;
        int size = old.Length * 2;
        _slots = new EdgeSlot[size];
        _mask = size - 1;
        _shift--;
        foreach (ref readonly var s in old.AsSpan())
        {
            if (s.Key == 0) continue;
            int i = (int)((s.Key * 0x9E3779B97F4A7C15UL) >> _shift);
            while (_slots[i].Key != 0) i = (i + 1) & _mask;
            _slots[i] = s;
        }
    }

    // Keeps the K objects of highest idf; an equal idf keeps the earlier (smaller) object id.
    private void OfferTop(int top, int obj, double idf, int postA, int postB, long delta)
    {
        int b = top * TopK;
        int k = TopK - 1;
        if (_topObject[b + k] >= 0 && !(idf > _topIdf[b + k])) return;
        while (k > 0 && (_topObject[b + k - 1] < 0 || idf > _topIdf[b + k - 1]))
        {
            _topObject[b + k] = _topObject[b + k - 1];
            _topPostA[b + k] = _topPostA[b + k - 1];
            _topPostB[b + k] = _topPostB[b + k - 1];
            _topDelta[b + k] = _topDelta[b + k - 1];
            _topIdf[b + k] = _topIdf[b + k - 1];
            k--;
        }
        _topObject[b + k] = obj;
        _topPostA[b + k] = postA;
        _topPostB[b + k] = postB;
        _topDelta[b + k] = delta;
        _topIdf[b + k] = idf;
    }

    /// <summary>The kept evidence of the pair whose slot has <paramref name="top"/>, strongest first.</summary>
    public void CopyTop(int top, List<SharedObjectEvidence> into)
    {
        int b = top * TopK;
        for (int k = 0; k < TopK; k++)
        {
            if (_topObject[b + k] < 0) break;
            into.Add(new SharedObjectEvidence(_topObject[b + k], _topPostA[b + k], _topPostB[b + k], _topDelta[b + k], _topIdf[b + k]));
        }
    }
}

/// <summary>
/// Open-addressing set of (post, other account) pairs: post p of one account was matched by the other account.
/// Its distinct entries give the directed QUT weight and the spec's <c>posts_a</c>/<c>posts_b</c>.
/// </summary>
internal sealed class MatchSet
{
    private ulong[] _keys;
    private int _mask;
    private int _shift;
    public int Count { get; private set; }

    public MatchSet(int expected)
    {
        int size = (int)Math.Min(1 << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, expected * 2)));
        _keys = new ulong[size];
        _mask = size - 1;
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)size);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Pack(int post, int otherAccount) => ((ulong)(uint)(post + 1) << 32) | (uint)otherAccount;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int post, int otherAccount)
    {
        ulong key = Pack(post, otherAccount);
        int i = (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);
        while (true)
        {
            ulong k = _keys[i];
            if (k == key) return;
            if (k == 0) break;
            i = (i + 1) & _mask;
        }
        _keys[i] = key;
        if (++Count * 2 > _keys.Length) Grow();
    }

    private void Grow()
    {
        var old = _keys;
        int size = old.Length * 2;
        _keys = new ulong[size];
        _mask = size - 1;
        _shift--;
        foreach (ulong k in old)
        {
            if (k == 0) continue;
            int i = (int)((k * 0x9E3779B97F4A7C15UL) >> _shift);
            while (_keys[i] != 0) i = (i + 1) & _mask;
            _keys[i] = k;
        }
    }

    /// <summary>The raw table: entries are the non-zero keys.</summary>
    public ulong[] Keys => _keys;

    /// <summary>Appends the entries (in table order) to <paramref name="into"/> from <paramref name="at"/>.</summary>
    public int CopyTo(ulong[] into, int at)
    {
        foreach (ulong k in _keys)
            if (k != 0) into[at++] = k;
        return at;
    }
}
