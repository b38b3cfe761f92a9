namespace NetDetect.Core.Data;

/// <summary>A minimal growable array that hands out its buffer without a copy when the size is exact.</summary>
/// <remarks>Column-sized buffers come from <see cref="LargeArrays"/> (huge pages: far fewer page faults while filling).</remarks>
internal sealed class GrowArray<T>(int capacity = 16) where T : unmanaged
{
    private T[] _items = LargeArrays.Allocate<T>(Math.Max(capacity, 4));

    public int Count { get; private set; }

    public void EnsureCapacity(int capacity)
    {
        if (capacity > _items.Length) LargeArrays.Resize(ref _items, capacity, Count);
    }

    /// <summary>While still empty, swaps the buffer for one of exactly <paramref name="capacity"/> (so <see cref="ToArray"/> need not copy when that is the final count); otherwise as <see cref="EnsureCapacity"/>.</summary>
    public void SetExpectedCount(int capacity)
    {
        if (Count == 0 && capacity != _items.Length) _items = LargeArrays.Allocate<T>(capacity);
        else EnsureCapacity(capacity);
    }

    public void Add(T item)
    {
        if (Count == _items.Length) LargeArrays.Resize(ref _items, Math.Max(4, _items.Length * 2), Count);
        _items[Count++] = item;
    }

    /// <summary>Appends <paramref name="items"/> in one copy.</summary>
    public void AddRange(ReadOnlySpan<T> items)
    {
        if (Count + items.Length > _items.Length) LargeArrays.Resize(ref _items, Math.Max(Count + items.Length, _items.Length * 2), Count);
        items.CopyTo(_items.AsSpan(Count));
        Count += items.Length;
    }

    /// <summary>Appends <paramref name="count"/> elements and returns them, for the caller to fill.</summary>
    public Span<T> Append(int count)
    {
        if (Count + count > _items.Length) LargeArrays.Resize(ref _items, Math.Max(Count + count, _items.Length * 2), Count);
        var span = _items.AsSpan(Count, count);
        Count += count;
        return span;
    }

    /// <summary>Appends <paramref name="count"/> copies of <paramref name="item"/>.</summary>
    public void AddRepeated(T item, int count)
    {
        if (Count + count > _items.Length) LargeArrays.Resize(ref _items, Math.Max(Count + count, _items.Length * 2), Count);
        _items.AsSpan(Count, count).Fill(item);
        Count += count;
    }

    public ref T this[int index] => ref _items[index];

    public Span<T> AsSpan() => _items.AsSpan(0, Count);

    /// <summary>Drops the items from <paramref name="count"/> on (the capacity stays).</summary>
    public void Truncate(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)count, (uint)Count, nameof(count));
        Count = count;
    }

    /// <summary>The contents as an exact-length array (no copy when the capacity was exact).</summary>
    public T[] ToArray()
    {
        if (_items.Length != Count) Array.Resize(ref _items, Count);
        return _items;
    }
}
