using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using Encoding = Parquet.Meta.Encoding;
using Microsoft.Win32.SafeHandles;
using Parquet.Meta;

namespace NetDetect.Core.Data;

/// <summary>Turns UTF-16 values into dense ids (an interner of one column or of a group of columns).</summary>
internal delegate int ValueInterner(ReadOnlySpan<char> value);

/// <summary>The same interning as a <see cref="ValueInterner"/>, from a value's valid UTF-8 bytes and their <see cref="StringInterner.Hash"/>.</summary>
internal delegate int Utf8ValueInterner(ReadOnlySpan<byte> utf8, uint hash);

/// <summary>The decoded slots of one column chunk: levels per slot, and an id or a number for each present value.</summary>
/// <remarks>
/// Reused across row groups so a column's buffers are allocated once. <see cref="Values"/> is aligned with the
/// slots (a null or an empty list leaves -1 / <see cref="Time.Null"/>), so consumers never track a second cursor.
/// </remarks>
internal sealed class ColumnSlots
{
    public int Count;
    public int[] Def = [];
    public int[] Rep = [];
    /// <summary>Interned ids of string columns, -1 where the slot holds no value.</summary>
    public int[] Ids = [];
    /// <summary>Values of int64 columns (timestamps already in µs), <see cref="long.MinValue"/> where absent.</summary>
    public long[] Longs = [];

    public void Reset(int capacity, bool strings)
    {
        Count = 0;
        if (Def.Length < capacity)
        {
            Def = LargeArrays.Allocate<int>(capacity);
            Rep = LargeArrays.Allocate<int>(capacity);
        }
        if (strings && Ids.Length < capacity) Ids = LargeArrays.Allocate<int>(capacity);
        if (!strings && Longs.Length < capacity) Longs = LargeArrays.Allocate<long>(capacity);
    }
}

/// <summary>
/// A fast decoder for the Parquet column chunks NetDetect reads most: BYTE_ARRAY strings and INT64
/// timestamps, PLAIN or dictionary encoded, uncompressed, Snappy, gzip or zstd, data pages v1 and v2.
/// </summary>
/// <remarks>
/// Parquet.Net materialises one <c>char[]</c> per string value, which caps ingest near two million strings a
/// second; a post has about ten. This decoder reads the chunk's bytes once and interns each value straight from
/// its UTF-8 bytes (the interners keep UTF-8; only arena columns such as text are decoded to UTF-16), and
/// interns each dictionary entry once (lazily, in data order, so
/// ids are assigned in first-seen order exactly as with plain pages). Anything it does not support throws
/// <see cref="NotSupportedException"/> before producing output that differs, and the reader falls back to
/// Parquet.Net for that chunk.
/// </remarks>
internal sealed class ParquetChunkDecoder
{
    private byte[] _raw = [];
    private byte[] _page = [];
    private char[] _chars = new char[256];
    private int[] _scratch = [];
    // dictionary: entry k is _dict[_dictStart[k].._dictStart[k]+_dictLength[k]] (strings) or _dictLongs[k]
    private byte[] _dict = [];
    private int[] _dictStart = [], _dictLength = [], _dictIds = [];
    private long[] _dictLongs = [];
    private int _dictCount;
    private ZstdSharp.Decompressor? _zstd;
    private Action? _onNull;
    private StringInterner? _pool;
    private Utf8ValueInterner? _utf8;
    private byte[] _fixed = [];
    private IMemoryOwner<byte>? _snappy;

    /// <summary>True when this decoder handles the chunk's codec and encodings (checked again per page).</summary>
    public static bool Supports(ColumnMetaData md)
    {
        if (md.Codec is not (CompressionCodec.UNCOMPRESSED or CompressionCodec.SNAPPY or CompressionCodec.GZIP or CompressionCodec.ZSTD)) return false;
        if (md.Type is not (Parquet.Meta.Type.BYTE_ARRAY or Parquet.Meta.Type.INT64)) return false;
        foreach (var e in md.Encodings)
            if (e is not (Encoding.PLAIN or Encoding.RLE or Encoding.PLAIN_DICTIONARY or Encoding.RLE_DICTIONARY)) return false;
        return true;
    }

    /// <summary>Decodes a BYTE_ARRAY chunk into <paramref name="output"/>, interning every present value.</summary>
    /// <remarks><paramref name="onNull"/>, when given, is called for each null slot in order, between the interning calls.</remarks>
    /// <remarks>
    /// <paramref name="pool"/>, when given, must be what <paramref name="intern"/> does for every non-empty value
    /// (<c>pool.GetOrAdd(value)</c>): those values then go to the pool directly, with its slots, entries and
    /// bytes prefetched a few values ahead; empty values still go through <paramref name="intern"/>. A dictionary
    /// entry is interned once per column chunk only then: without a pool (a string arena, which stores every row)
    /// <paramref name="intern"/> is called for every present value, dictionary pages included.
    /// <paramref name="utf8"/>, when given, must do what <paramref name="intern"/> does, from the value's bytes:
    /// values that are valid UTF-8 then skip the decode to UTF-16 (the rest are decoded, U+FFFD for bad sequences).
    /// </remarks>
    public void DecodeStrings(SafeFileHandle file, ColumnMetaData md, int maxDef, int maxRep, ValueInterner intern, Action? onNull, ColumnSlots output, StringInterner? pool = null, Utf8ValueInterner? utf8 = null)
    {
        _pool = pool;
        _utf8 = utf8;
        Produced = false;
        if (md.Type != Parquet.Meta.Type.BYTE_ARRAY) throw new NotSupportedException("not a BYTE_ARRAY column");
        _onNull = onNull;
        Decode(file, md, maxDef, maxRep, output, strings: true, intern, 1);
    }

    /// <summary>True once the last decode handed a value to its callbacks (a later failure cannot be retried elsewhere).</summary>
    public bool Produced { get; private set; }

    /// <summary>Decodes an INT64 chunk into <paramref name="output"/>, multiplying by <paramref name="scale"/> (negative: dividing).</summary>
    public void DecodeInt64(SafeFileHandle file, ColumnMetaData md, int maxDef, int maxRep, long scale, ColumnSlots output)
    {
        Produced = false;
        _onNull = null;
        _pool = null;
        _utf8 = null;
        if (md.Type != Parquet.Meta.Type.INT64) throw new NotSupportedException("not an INT64 column");
        Decode(file, md, maxDef, maxRep, output, strings: false, null, scale);
    }

    private void Decode(SafeFileHandle file, ColumnMetaData md, int maxDef, int maxRep, ColumnSlots output, bool strings, ValueInterner? intern, long scale)
    {
        if (!Supports(md)) throw new NotSupportedException($"codec {md.Codec} / encodings {string.Join(",", md.Encodings)}");
        long start = md.DictionaryPageOffset is > 0 and var d && d < md.DataPageOffset ? d : md.DataPageOffset;
        long length = md.TotalCompressedSize;
        if (length <= 0 || length > int.MaxValue - 64) throw new InvalidDataException($"column chunk size {length} is out of range");
        if (_raw.Length < length) _raw = LargeArrays.Allocate<byte>((int)Math.Min(int.MaxValue - 64, Math.Max(length, _raw.Length * 3L / 2)));
        int got = ReadFully(file, _raw.AsSpan(0, (int)length), start);
        if (got < length) throw new InvalidDataException($"column chunk ends early: {got} of {length} bytes (file truncated?)");
        long slots = md.NumValues;
        if (slots < 0 || slots > int.MaxValue) throw new InvalidDataException($"column chunk value count {slots} is out of range");
        output.Reset((int)slots, strings);
        _dictCount = 0;

        var chunk = _raw.AsSpan(0, (int)length);
        int pos = 0;
        while (output.Count < slots)
        {
            if (pos >= chunk.Length) throw new InvalidDataException($"column chunk holds {output.Count} of {slots} values");
            var header = ThriftPageHeader.Read(chunk, ref pos);
            if (header.CompressedSize < 0 || pos + header.CompressedSize > chunk.Length)
                throw new InvalidDataException($"page of {header.CompressedSize} bytes runs past the column chunk");
            var body = chunk.Slice(pos, header.CompressedSize);
            pos += header.CompressedSize;
            switch (header.Type)
            {
                case PageType.DICTIONARY_PAGE:
                    ReadDictionary(Decompress(md.Codec, body, header.UncompressedSize), header.NumValues, header.Encoding, strings);
                    break;
                case PageType.DATA_PAGE:
                    DataPageV1(md.Codec, body, header, maxDef, maxRep, output, strings, intern, scale);
                    break;
                case PageType.DATA_PAGE_V2:
                    DataPageV2(md.Codec, body, header, maxDef, maxRep, output, strings, intern, scale);
                    break;
                default:
                    break; // index pages carry nothing we need
            }
        }
        _snappy?.Dispose();
        _snappy = null;
    }

    private static int ReadFully(SafeFileHandle file, Span<byte> buffer, long offset)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = RandomAccess.Read(file, buffer[total..], offset + total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private ReadOnlySpan<byte> Decompress(CompressionCodec codec, ReadOnlySpan<byte> body, int uncompressedSize)
    {
        if (codec == CompressionCodec.UNCOMPRESSED) return body;
        if (uncompressedSize < 0) throw new InvalidDataException("negative page size");
        if (_page.Length < uncompressedSize) _page = LargeArrays.Allocate<byte>((int)Math.Min(int.MaxValue - 64, Math.Max(uncompressedSize, _page.Length * 3L / 2)));
        var target = _page.AsSpan(0, uncompressedSize);
        int n;
        switch (codec)
        {
            case CompressionCodec.SNAPPY:
                {
                    // DecompressToMemory hands over Snappier's own buffer; Decompress(span, span) decompresses into
                    // that same kind of buffer and then copies it once more (measured: the copy and its page faults).
                    _snappy?.Dispose();
                    _snappy = Snappier.Snappy.DecompressToMemory(body);
                    var result = _snappy.Memory.Span;
                    if (result.Length != uncompressedSize) throw new InvalidDataException($"page decompressed to {result.Length} bytes, header says {uncompressedSize}");
                    return result;
                }
            case CompressionCodec.ZSTD:
                _zstd ??= new ZstdSharp.Decompressor();
                n = _zstd.Unwrap(body, target);
                break;
            case CompressionCodec.GZIP:
                unsafe
                {
                    fixed (byte* p = body)
                    {
                        using var ms = new UnmanagedMemoryStream(p, body.Length);
                        using var gz = new GZipStream(ms, CompressionMode.Decompress);
                        n = 0;
                        while (n < target.Length)
                        {
                            int k = gz.Read(target[n..]);
                            if (k == 0) break;
                            n += k;
                        }
                    }
                }
                break;
            default:
                throw new NotSupportedException($"codec {codec}");
        }
        if (n != uncompressedSize) throw new InvalidDataException($"page decompressed to {n} bytes, header says {uncompressedSize}");
        return target;
    }

    private void ReadDictionary(ReadOnlySpan<byte> data, int count, Encoding encoding, bool strings)
    {
        if (encoding is not (Encoding.PLAIN or Encoding.PLAIN_DICTIONARY)) throw new NotSupportedException($"dictionary encoding {encoding}");
        if (count < 0) throw new InvalidDataException("negative dictionary size");
        _dictCount = count;
        if (!strings)
        {
            if (data.Length < count * 8L) throw new InvalidDataException("dictionary page is shorter than its values");
            if (_dictLongs.Length < count) _dictLongs = new long[count];
            for (int k = 0; k < count; k++) _dictLongs[k] = BinaryPrimitives.ReadInt64LittleEndian(data.Slice(k * 8));
            return;
        }
        if (_dict.Length < data.Length) _dict = new byte[data.Length];
        data.CopyTo(_dict);
        if (_dictStart.Length < count)
        {
            _dictStart = new int[count];
            _dictLength = new int[count];
            _dictIds = new int[count];
        }
        int pos = 0;
        for (int k = 0; k < count; k++)
        {
            if (pos + 4 > data.Length) throw new InvalidDataException("dictionary page is shorter than its values");
            int len = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(pos));
            pos += 4;
            if (len < 0 || pos + len > data.Length) throw new InvalidDataException("dictionary value runs past its page");
            _dictStart[k] = pos;
            _dictLength[k] = len;
            _dictIds[k] = -1;
            pos += len;
        }
        if (_pool is { IsOrdered: false } pool && pool.Count >= PrefetchFrom) LookUpDictionary(count, pool, System.Text.Ascii.IsValid(data));
    }

    private uint[] _dictHash = [];

    /// <summary>
    /// Gives the dictionary entries already in <paramref name="pool"/> their ids up front, prefetched as in
    /// <see cref="PlainPrefetched"/>: a dictionary of a big pool (authors, mentions, URLs) is hundreds of thousands of
    /// entries per row group, and looked up one at a time on first use each costs three cache misses. Entries new to
    /// the pool stay unassigned and are added on first use, in data order, so ids are what a plain loop gives.
    /// </summary>
    private void LookUpDictionary(int count, StringInterner pool, bool ascii)
    {
        const int SlotAhead = 12, EntryAhead = 8, BytesAhead = 4;
        if (_dictHash.Length < count) _dictHash = new uint[count];
        var hashes = _dictHash;
        for (int k = 0; k < count; k++)
        {
            var value = _dict.AsSpan(_dictStart[k], _dictLength[k]);
            // Empty and invalid UTF-8 values go through the column's own interning on first use (Intern).
            hashes[k] = value.IsEmpty || !(ascii || System.Text.Unicode.Utf8.IsValid(value)) ? 0 : StringInterner.Hash(value);
        }
        for (int k = 0; k < Math.Min(SlotAhead, count); k++) pool.PrefetchSlot(hashes[k]);
        for (int k = 0; k < count; k++)
        {
            if (k + SlotAhead < count) pool.PrefetchSlot(hashes[k + SlotAhead]);
            if (k + EntryAhead < count) pool.PrefetchEntry(hashes[k + EntryAhead]);
            if (k + BytesAhead < count) pool.PrefetchBytes(hashes[k + BytesAhead]);
            int length = _dictLength[k];
            if (length == 0) continue;
            var value = _dict.AsSpan(_dictStart[k], length);
            if (hashes[k] == 0 && !(ascii || System.Text.Unicode.Utf8.IsValid(value))) continue;
            _dictIds[k] = pool.IndexOfUtf8(value, hashes[k]);
        }
    }

    private void DataPageV1(CompressionCodec codec, ReadOnlySpan<byte> body, in ThriftPageHeader h, int maxDef, int maxRep, ColumnSlots output, bool strings, ValueInterner? intern, long scale)
    {
        var page = Decompress(codec, body, h.UncompressedSize);
        int n = h.NumValues;
        CheckRoom(output, n);
        int pos = 0;
        var rep = output.Rep.AsSpan(output.Count, n);
        var def = output.Def.AsSpan(output.Count, n);
        if (maxRep > 0)
        {
            if (h.RepetitionLevelEncoding != Encoding.RLE) throw new NotSupportedException($"repetition level encoding {h.RepetitionLevelEncoding}");
            int len = ReadLength(page, ref pos);
            RleDecode(page.Slice(pos, len), BitWidth(maxRep), rep);
            pos += len;
        }
        else rep.Clear();
        if (maxDef > 0)
        {
            if (h.DefinitionLevelEncoding != Encoding.RLE) throw new NotSupportedException($"definition level encoding {h.DefinitionLevelEncoding}");
            int len = ReadLength(page, ref pos);
            RleDecode(page.Slice(pos, len), BitWidth(maxDef), def);
            pos += len;
        }
        else def.Clear();
        Values(page[pos..], h.Encoding, n, maxDef, output, strings, intern, scale);
    }

    private void DataPageV2(CompressionCodec codec, ReadOnlySpan<byte> body, in ThriftPageHeader h, int maxDef, int maxRep, ColumnSlots output, bool strings, ValueInterner? intern, long scale)
    {
        int n = h.NumValues;
        CheckRoom(output, n);
        int repLen = h.RepetitionLevelsByteLength, defLen = h.DefinitionLevelsByteLength;
        if (repLen < 0 || defLen < 0 || repLen + defLen > body.Length) throw new InvalidDataException("level sections run past the page");
        var rep = output.Rep.AsSpan(output.Count, n);
        var def = output.Def.AsSpan(output.Count, n);
        if (maxRep > 0) RleDecode(body[..repLen], BitWidth(maxRep), rep);
        else rep.Clear();
        if (maxDef > 0) RleDecode(body.Slice(repLen, defLen), BitWidth(maxDef), def);
        else def.Clear();
        var values = body[(repLen + defLen)..];
        if (h.IsCompressed && codec != CompressionCodec.UNCOMPRESSED)
            values = Decompress(codec, values, h.UncompressedSize - repLen - defLen);
        Values(values, h.Encoding, n, maxDef, output, strings, intern, scale);
    }

    private static void CheckRoom(ColumnSlots output, int n)
    {
        if (n < 0 || (long)output.Count + n > output.Def.Length)
            throw new InvalidDataException($"pages hold more values than the column chunk's {output.Def.Length}");
    }

    private static int ReadLength(ReadOnlySpan<byte> page, ref int pos)
    {
        if (pos + 4 > page.Length) throw new InvalidDataException("level section header runs past the page");
        int len = BinaryPrimitives.ReadInt32LittleEndian(page.Slice(pos));
        pos += 4;
        if (len < 0 || pos + len > page.Length) throw new InvalidDataException("level section runs past the page");
        return len;
    }

    private void Values(ReadOnlySpan<byte> data, Encoding encoding, int n, int maxDef, ColumnSlots output, bool strings, ValueInterner? intern, long scale)
    {
        int start = output.Count;
        var def = output.Def.AsSpan(start, n);
        int present = maxDef == 0 ? n : def.Count(maxDef);
        bool dictionary = encoding is Encoding.PLAIN_DICTIONARY or Encoding.RLE_DICTIONARY;
        if (!dictionary && encoding != Encoding.PLAIN) throw new NotSupportedException($"value encoding {encoding}");

        // Dictionary indices (or nothing) for the present values, in order.
        Span<int> indices = default;
        if (dictionary)
        {
            if (data.IsEmpty) throw new InvalidDataException("dictionary page data is empty");
            int width = data[0];
            if (width > 32) throw new InvalidDataException($"dictionary index width {width}");
            if (_scratch.Length < present) _scratch = new int[Math.Max(present, _scratch.Length * 3 / 2)];
            indices = _scratch.AsSpan(0, present);
            RleDecode(data[1..], width, indices);
            foreach (int k in indices)
                if ((uint)k >= (uint)_dictCount) throw new InvalidDataException($"dictionary index {k} outside a dictionary of {_dictCount}");
        }

        int v = 0, pos = 0;
        Produced |= n > 0;
        if (strings && !dictionary && _pool is not null)
        {
            PlainPrefetched(data, n, maxDef, output, intern!, _pool);
        }
        else if (strings)
        {
            var ids = output.Ids.AsSpan(start, n);
            for (int s = 0; s < n; s++)
            {
                if (maxDef != 0 && def[s] != maxDef)
                {
                    ids[s] = -1;
                    _onNull?.Invoke();
                    continue;
                }
                if (dictionary)
                {
                    int k = indices[v++];
                    int id = _dictIds[k];
                    if (id < 0)
                    {
                        id = Intern(_dict.AsSpan(_dictStart[k], _dictLength[k]), intern!);
                        // One id per value only from an interner (a pool); without one (a string arena) every row stores its own copy.
                        if (_pool is not null) _dictIds[k] = id;
                    }
                    ids[s] = id;
                }
                else
                {
                    if (pos + 4 > data.Length) throw new InvalidDataException("string value runs past the page");
                    int len = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(pos));
                    pos += 4;
                    if (len < 0 || pos + len > data.Length) throw new InvalidDataException("string value runs past the page");
                    ids[s] = Intern(data.Slice(pos, len), intern!);
                    pos += len;
                }
            }
        }
        else
        {
            var longs = output.Longs.AsSpan(start, n);
            if (!dictionary && data.Length < present * 8L) throw new InvalidDataException("int64 values run past the page");
            for (int s = 0; s < n; s++)
            {
                if (maxDef != 0 && def[s] != maxDef)
                {
                    longs[s] = long.MinValue;
                    continue;
                }
                long raw = dictionary ? _dictLongs[indices[v++]] : BinaryPrimitives.ReadInt64LittleEndian(data.Slice(8 * v++));
                longs[s] = scale >= 0 ? raw * scale : raw / -scale;
            }
        }
        output.Count += n;
    }

    // Pools below this many values (table, entries and bytes well under 2 MB) are not prefetched.
    private const int PrefetchFrom = 1 << 15;

    private int[] _valueStart = [], _valueLength = [];
    private uint[] _valueHash = [];

    /// <summary>
    /// Plain string values interned straight into <paramref name="pool"/>, prefetched: all values of the page are
    /// located and their UTF-8 bytes hashed first, then each is interned while, a few values ahead, the table slot,
    /// the entry and the bytes of later values load in three stages (a pool of millions of ids misses
    /// the cache at each of the three; overlapped, the misses cost a fraction). Values are still interned one
    /// at a time in data order, so ids are what a plain loop gives. The caller advances <c>output.Count</c>.
    /// </summary>
    private void PlainPrefetched(ReadOnlySpan<byte> data, int n, int maxDef, ColumnSlots output, ValueInterner intern, StringInterner pool)
    {
        const int SlotAhead = 12, EntryAhead = 8, BytesAhead = 4;
        // Values are located and hashed a batch at a time, so the batch's positions and hashes stay in the
        // L1/L2 cache between the two passes instead of streaming a page-sized array out and back.
        const int Batch = 1024;
        int start = output.Count;
        var def = output.Def.AsSpan(start, n);
        var ids = output.Ids.AsSpan(start, n);
        if (_valueStart.Length < Batch)
        {
            _valueStart = new int[Batch];
            _valueLength = new int[Batch];
            _valueHash = new uint[Batch];
        }
        var starts = _valueStart;
        var lengths = _valueLength;
        var hashes = _valueHash;
        var utf8 = _utf8;
        // Values go to the pool as their bytes when valid UTF-8 (nearly always: an ASCII page needs no per-value
        // check); an invalid one is decoded as Parquet.Net would (U+FFFD), re-encoded into _fixed and marked by a
        // negative start, so every value is hashed and prefetched the same way.
        bool ascii = System.Text.Ascii.IsValid(data);
        int pos = 0, next = 0;
        while (next < n)
        {
            int first = next, present = 0, fixedUsed = 0;
            for (; next < n && present < Batch; next++)
            {
                if (maxDef != 0 && def[next] != maxDef) continue;
                if (pos + 4 > data.Length) throw new InvalidDataException("string value runs past the page");
                int len = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(pos));
                pos += 4;
                if (len < 0 || pos + len > data.Length) throw new InvalidDataException("string value runs past the page");
                var value = data.Slice(pos, len);
                if (ascii || System.Text.Unicode.Utf8.IsValid(value))
                {
                    starts[present] = pos;
                    lengths[present] = len;
                    hashes[present] = StringInterner.Hash(value);
                }
                else
                {
                    var chars = Utf16(value);
                    int need = fixedUsed + chars.Length * 3;
                    if (_fixed.Length < need) Array.Resize(ref _fixed, Math.Max(need, _fixed.Length * 2));
                    int written = StringInterner.Encode(chars, _fixed.AsSpan(fixedUsed));
                    starts[present] = ~fixedUsed;
                    lengths[present] = written;
                    hashes[present] = StringInterner.Hash(_fixed.AsSpan(fixedUsed, written));
                    fixedUsed += written;
                }
                present++;
                pos += len;
            }
            // A small pool (languages, domains, the common hashtags) stays in the CPU caches: prefetching it would
            // only add three table reads per value.
            bool prefetch = pool.Count >= PrefetchFrom;
            if (prefetch)
                for (int k = 0; k < Math.Min(SlotAhead, present); k++) pool.PrefetchSlot(hashes[k]);
            int v = 0;
            for (int s = first; s < next; s++)
            {
                if (maxDef != 0 && def[s] != maxDef)
                {
                    ids[s] = -1;
                    _onNull?.Invoke();
                    continue;
                }
                if (prefetch)
                {
                    if (v + SlotAhead < present) pool.PrefetchSlot(hashes[v + SlotAhead]);
                    if (v + EntryAhead < present) pool.PrefetchEntry(hashes[v + EntryAhead]);
                    if (v + BytesAhead < present) pool.PrefetchBytes(hashes[v + BytesAhead]);
                }
                int at = starts[v];
                var value = at >= 0 ? data.Slice(at, lengths[v]) : _fixed.AsSpan(~at, lengths[v]);
                ids[s] = value.IsEmpty ? intern(ReadOnlySpan<char>.Empty) : utf8 is not null ? utf8(value, hashes[v]) : pool.GetOrAddUtf8(value, hashes[v], out _);
                v++;
            }
        }
    }

    /// <summary>One value: to the UTF-8 interner when there is one and the bytes are valid, else decoded to UTF-16.</summary>
    private int Intern(ReadOnlySpan<byte> utf8, ValueInterner intern)
    {
        if (_utf8 is not null && System.Text.Unicode.Utf8.IsValid(utf8)) return _utf8(utf8, StringInterner.Hash(utf8));
        // A pool is what intern does for every non-empty value (see DecodeStrings).
        if (_pool is not null && !utf8.IsEmpty && System.Text.Unicode.Utf8.IsValid(utf8)) return _pool.GetOrAddUtf8(utf8, StringInterner.Hash(utf8), out _);
        return intern(Utf16(utf8));
    }

    private ReadOnlySpan<char> Utf16(ReadOnlySpan<byte> utf8)
    {
        if (_chars.Length < utf8.Length) _chars = new char[Math.Max(utf8.Length, _chars.Length * 2)];
        // Almost every id, tag and URL is ASCII: widen it directly and leave the full decoder for the rest.
        if (System.Text.Ascii.ToUtf16(utf8, _chars, out int written) == System.Buffers.OperationStatus.Done) return _chars.AsSpan(0, written);
        // Invalid sequences become U+FFFD, as with Parquet.Net's own string decoding.
        int n = System.Text.Encoding.UTF8.GetChars(utf8, _chars);
        return _chars.AsSpan(0, n);
    }

    private static int BitWidth(int maxLevel) => 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)maxLevel);

    /// <summary>The RLE / bit-packing hybrid of the Parquet spec, filling exactly <paramref name="output"/>.</summary>
    internal static void RleDecode(ReadOnlySpan<byte> data, int bitWidth, Span<int> output)
    {
        int pos = 0, o = 0;
        int byteWidth = (bitWidth + 7) / 8;
        Span<byte> eight = stackalloc byte[8];
        while (o < output.Length)
        {
            if (pos >= data.Length) throw new InvalidDataException("level or index run ends early");
            uint header = ReadUleb(data, ref pos);
            if ((header & 1) == 0)
            {
                int run = (int)(header >> 1);
                if (pos + byteWidth > data.Length) throw new InvalidDataException("run value past the end");
                int value = 0;
                for (int b = 0; b < byteWidth; b++) value |= data[pos + b] << (8 * b);
                pos += byteWidth;
                int take = Math.Min(run, output.Length - o);
                // Level runs are often a single value (list rows alternate empty and full): skip the Fill call.
                if (take == 1) output[o] = value;
                else output.Slice(o, take).Fill(value);
                o += take;
            }
            else
            {
                int count = (int)(header >> 1) * 8;
                int bytes = (int)(header >> 1) * bitWidth;
                if (pos + bytes > data.Length) bytes = data.Length - pos; // the last group may be cut short
                var packed = data.Slice(pos, bytes);
                pos += bytes;
                ulong buffer = 0;
                int bits = 0, p = 0;
                uint mask = bitWidth == 32 ? uint.MaxValue : (1u << bitWidth) - 1;
                int take = Math.Min(count, output.Length - o);
                if (bitWidth <= 8)
                {
                    // Eight values of w bits are exactly w bytes: one 64-bit load per group (levels are 1-2 bits).
                    int groups = Math.Min(take / 8, packed.Length / Math.Max(1, bitWidth));
                    for (int gi = 0; gi < groups; gi++)
                    {
                        eight.Clear();
                        packed.Slice(gi * bitWidth, bitWidth).CopyTo(eight);
                        ulong word = BinaryPrimitives.ReadUInt64LittleEndian(eight);
                        for (int k = 0; k < 8; k++)
                        {
                            output[o++] = (int)((uint)word & mask);
                            word >>= bitWidth;
                        }
                    }
                    p = groups * bitWidth;
                    take -= groups * 8;
                }
                for (int i = 0; i < take; i++)
                {
                    while (bits < bitWidth)
                    {
                        buffer |= (ulong)(p < packed.Length ? packed[p] : 0) << bits;
                        p++;
                        bits += 8;
                    }
                    output[o++] = (int)((uint)buffer & mask);
                    buffer >>= bitWidth;
                    bits -= bitWidth;
                }
            }
        }
    }

    private static uint ReadUleb(ReadOnlySpan<byte> data, ref int pos)
    {
        uint result = 0;
        int shift = 0;
        while (true)
        {
            if (pos >= data.Length || shift > 28) throw new InvalidDataException("bad varint");
            byte b = data[pos++];
            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
            shift += 7;
        }
    }
}

/// <summary>The fields of a Parquet page header (Thrift compact protocol) that decoding needs.</summary>
internal struct ThriftPageHeader
{
    public PageType Type;
    public int UncompressedSize, CompressedSize, NumValues;
    public Encoding Encoding, DefinitionLevelEncoding, RepetitionLevelEncoding;
    public int DefinitionLevelsByteLength, RepetitionLevelsByteLength;
    public bool IsCompressed;

    public static ThriftPageHeader Read(ReadOnlySpan<byte> data, ref int pos)
    {
        var h = new ThriftPageHeader { IsCompressed = true, NumValues = -1 };
        short last = 0;
        while (true)
        {
            byte b = Byte(data, ref pos);
            int type = b & 0x0F;
            if (type == 0) break;
            short id = FieldId(data, ref pos, b, ref last);
            switch (id)
            {
                case 1 when type == 5: h.Type = (PageType)ReadInt(data, ref pos); break;
                case 2 when type == 5: h.UncompressedSize = ReadInt(data, ref pos); break;
                case 3 when type == 5: h.CompressedSize = ReadInt(data, ref pos); break;
                case 5 when type == 12: ReadDataHeader(data, ref pos, ref h, v2: false); break;
                case 7 when type == 12: ReadDictionaryHeader(data, ref pos, ref h); break;
                case 8 when type == 12: ReadDataHeader(data, ref pos, ref h, v2: true); break;
                default: Skip(data, ref pos, type); break;
            }
        }
        if (h.NumValues < 0) throw new InvalidDataException("page header without a value count");
        return h;
    }

    private static void ReadDataHeader(ReadOnlySpan<byte> data, ref int pos, ref ThriftPageHeader h, bool v2)
    {
        short last = 0;
        while (true)
        {
            byte b = Byte(data, ref pos);
            int type = b & 0x0F;
            if (type == 0) return;
            short id = FieldId(data, ref pos, b, ref last);
            if (!v2)
            {
                switch (id)
                {
                    case 1 when type == 5: h.NumValues = ReadInt(data, ref pos); break;
                    case 2 when type == 5: h.Encoding = (Encoding)ReadInt(data, ref pos); break;
                    case 3 when type == 5: h.DefinitionLevelEncoding = (Encoding)ReadInt(data, ref pos); break;
                    case 4 when type == 5: h.RepetitionLevelEncoding = (Encoding)ReadInt(data, ref pos); break;
                    default: Skip(data, ref pos, type); break;
                }
            }
            else
            {
                switch (id)
                {
                    case 1 when type == 5: h.NumValues = ReadInt(data, ref pos); break;
                    case 4 when type == 5: h.Encoding = (Encoding)ReadInt(data, ref pos); break;
                    case 5 when type == 5: h.DefinitionLevelsByteLength = ReadInt(data, ref pos); break;
                    case 6 when type == 5: h.RepetitionLevelsByteLength = ReadInt(data, ref pos); break;
                    case 7 when type is 1 or 2: h.IsCompressed = type == 1; break;
                    default: Skip(data, ref pos, type); break;
                }
            }
        }
    }

    private static void ReadDictionaryHeader(ReadOnlySpan<byte> data, ref int pos, ref ThriftPageHeader h)
    {
        short last = 0;
        while (true)
        {
            byte b = Byte(data, ref pos);
            int type = b & 0x0F;
            if (type == 0) return;
            short id = FieldId(data, ref pos, b, ref last);
            switch (id)
            {
                case 1 when type == 5: h.NumValues = ReadInt(data, ref pos); break;
                case 2 when type == 5: h.Encoding = (Encoding)ReadInt(data, ref pos); break;
                default: Skip(data, ref pos, type); break;
            }
        }
    }

    private static short FieldId(ReadOnlySpan<byte> data, ref int pos, byte header, ref short last)
    {
        int delta = header >> 4;
        last = delta != 0 ? (short)(last + delta) : (short)ZigZag(Varint(data, ref pos));
        return last;
    }

    private static byte Byte(ReadOnlySpan<byte> data, ref int pos)
    {
        if (pos >= data.Length) throw new InvalidDataException("page header runs past the column chunk");
        return data[pos++];
    }

    private static int ReadInt(ReadOnlySpan<byte> data, ref int pos) => (int)ZigZag(Varint(data, ref pos));

    private static long ZigZag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);

    private static ulong Varint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = Byte(data, ref pos);
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new InvalidDataException("bad varint in page header");
    }

    private static void Skip(ReadOnlySpan<byte> data, ref int pos, int type, int depth = 0)
    {
        if (depth > 32) throw new InvalidDataException("page header nests too deeply");
        switch (type)
        {
            case 1 or 2: break; // bool in a field header carries its value
            case 3: Byte(data, ref pos); break;
            case 4 or 5 or 6: Varint(data, ref pos); break;
            case 7: pos += 8; break;
            case 8:
                {
                    long len = (long)Varint(data, ref pos);
                    if (len < 0 || pos + len > data.Length) throw new InvalidDataException("page header runs past the column chunk");
                    pos += (int)len;
                    break;
                }
            case 9 or 10:
                {
                    byte b = Byte(data, ref pos);
                    long size = b >> 4;
                    if (size == 15) size = (long)Varint(data, ref pos);
                    int elem = b & 0x0F;
                    for (long i = 0; i < size; i++)
                    {
                        if (elem is 1 or 2) Byte(data, ref pos);
                        else Skip(data, ref pos, elem, depth + 1);
                    }
                    break;
                }
            case 11:
                {
                    long size = (long)Varint(data, ref pos);
                    if (size == 0) break;
                    byte kv = Byte(data, ref pos);
                    for (long i = 0; i < size; i++)
                    {
                        Skip(data, ref pos, kv >> 4, depth + 1);
                        Skip(data, ref pos, kv & 0x0F, depth + 1);
                    }
                    break;
                }
            case 12:
                {
                    short last = 0;
                    while (true)
                    {
                        byte b = Byte(data, ref pos);
                        int t = b & 0x0F;
                        if (t == 0) break;
                        FieldId(data, ref pos, b, ref last);
                        Skip(data, ref pos, t, depth + 1);
                    }
                    break;
                }
            default:
                throw new InvalidDataException($"unknown thrift type {type} in page header");
        }
        if (pos > data.Length) throw new InvalidDataException("page header runs past the column chunk");
    }
}
