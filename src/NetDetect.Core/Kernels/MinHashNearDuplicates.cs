using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using NetDetect.Core.Data;

namespace NetDetect.Core.Kernels;

/// <summary>Returns the text of document <paramref name="index"/> (e.g. <c>i => posts.Text.GetSpan(i)</c>).</summary>
public delegate ReadOnlySpan<char> TextAt(int index);

/// <summary>Options of <see cref="MinHashNearDuplicates"/>.</summary>
public sealed record MinHashOptions
{
    /// <summary>Words per shingle; a text with fewer words is one shingle of all its words.</summary>
    public int ShingleWords { get; init; } = 3;

    /// <summary>LSH bands; signature length is Bands x RowsPerBand. The defaults (20 x 6) find a pair with
    /// Jaccard 0.8 with probability 0.998 and one with Jaccard 0.4 with probability 0.08.</summary>
    public int Bands { get; init; } = 20;

    public int RowsPerBand { get; init; } = 6;

    /// <summary>Verified pairs need exact shingle Jaccard ≥ this (the `similar_text` default).</summary>
    public double Threshold { get; init; } = 0.8;

    /// <summary>Seed of the word hash and the MinHash permutations: same seed, same output.</summary>
    public ulong Seed { get; init; } = 0x9E3779B97F4A7C15UL;

    public KernelPath Path { get; init; } = KernelPath.Auto;

    /// <summary>Worker threads; 0 or less means one per processor. Results are identical for any count.</summary>
    public int MaxDegreeOfParallelism { get; init; }
}

/// <summary>Near-duplicate texts: documents with identical shingle sets share a representative; pairs of distinct
/// representatives with Jaccard ≥ the threshold are listed once.</summary>
public sealed class NearDuplicateResult
{
    public NearDuplicateResult(int[] representative, SimilarityPairs pairs, long candidates)
    {
        Representative = representative;
        Pairs = pairs;
        Candidates = candidates;
    }

    /// <summary>For each document the smallest index with the same shingle set; -1 for a text without words.</summary>
    public int[] Representative { get; }

    /// <summary>Representative pairs (i &lt; j) with verified Jaccard ≥ threshold, sorted, score = Jaccard.</summary>
    public SimilarityPairs Pairs { get; }

    /// <summary>Distinct LSH candidate pairs that were verified (a measure of the banding's selectivity).</summary>
    public long Candidates { get; }

    /// <summary>Every document pair i &lt; j at or above the threshold: exact duplicates (score 1) and the members of
    /// near-duplicate representative pairs. Quadratic in the size of large duplicate groups.</summary>
    public SimilarityPairs ExpandPairs()
    {
        int n = Representative.Length;
        var members = new List<int>[n];
        for (int i = 0; i < n; i++)
        {
            int r = Representative[i];
            if (r < 0) continue;
            (members[r] ??= []).Add(i);
        }
        var keys = new List<long>();
        var scores = new List<float>();
        for (int r = 0; r < n; r++)
        {
            if (members[r] is not { } g) continue;
            for (int x = 0; x < g.Count; x++)
                for (int y = x + 1; y < g.Count; y++) { keys.Add(((long)g[x] << 32) | (uint)g[y]); scores.Add(1f); }
        }
        for (int p = 0; p < Pairs.Count; p++)
            foreach (int i in members[Pairs.Left[p]]!)
                foreach (int j in members[Pairs.Right[p]]!)
                {
                    int lo = Math.Min(i, j), hi = Math.Max(i, j);
                    keys.Add(((long)lo << 32) | (uint)hi);
                    scores.Add(Pairs.Score[p]);
                }
        return SimilarityPairs.FromKeys([.. keys], [.. scores], keys.Count);
    }
}

/// <summary>
/// Near-duplicate text detection for the `similar_text` modality: word shingles hashed to 64 bits, MinHash
/// signatures (seeded multiply-shift permutations, SIMD over the hash functions), LSH banding for candidates, and
/// exact Jaccard on the shingle sets to verify every candidate, so no pair is reported below the threshold.
/// </summary>
public static class MinHashNearDuplicates
{
    /// <summary>Runs the whole pipeline over <paramref name="count"/> texts.</summary>
    public static NearDuplicateResult Find(int count, TextAt text, MinHashOptions? options = null,
        IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new MinHashOptions();
        Validate(options);
        var shingles = ShingleSets.Build(count, text, options.ShingleWords, options.Seed, KernelPaths.Threads(options.MaxDegreeOfParallelism), cancellationToken);
        progress?.Report(new StageProgress("minhash", 1, 4));
        var rep = Representatives(shingles);
        var sig = Signatures(shingles, rep, options, cancellationToken);
        progress?.Report(new StageProgress("minhash", 2, 4));
        var candidates = Candidates(sig, rep, options, cancellationToken);
        progress?.Report(new StageProgress("minhash", 3, 4));
        var pairs = Verify(shingles, candidates, options, cancellationToken);
        progress?.Report(new StageProgress("minhash", 4, 4));
        return new NearDuplicateResult(rep, pairs, candidates.Length);
    }

    /// <summary>Overload for texts held as strings.</summary>
    public static NearDuplicateResult Find(IReadOnlyList<string> texts, MinHashOptions? options = null,
        IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
        => Find(texts.Count, i => texts[i], options, progress, cancellationToken);

    private static void Validate(MinHashOptions o)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(o.ShingleWords, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.Bands, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.RowsPerBand, 1);
        if (!(o.Threshold > 0 && o.Threshold <= 1)) throw new ArgumentOutOfRangeException(nameof(o), "Threshold must be in (0, 1].");
    }

    /// <summary>Exact Jaccard of two sorted, distinct hash sets.</summary>
    public static double Jaccard(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y)
    {
        if (x.Length == 0 && y.Length == 0) return 0;
        int p = 0, q = 0, inter = 0;
        while (p < x.Length && q < y.Length)
        {
            if (x[p] < y[q]) p++;
            else if (x[p] > y[q]) q++;
            else { inter++; p++; q++; }
        }
        return (double)inter / (x.Length + y.Length - inter);
    }

    /// <summary>Smallest document with an identical shingle set (fingerprint sort, then an exact comparison).</summary>
    internal static int[] Representatives(ShingleSets s)
    {
        int n = s.Count;
        var rep = new int[n];
        var fp = new ulong[n];
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
            var set = s[i];
            ulong h = 0x243F6A8885A308D3UL ^ (ulong)set.Length;
            foreach (ulong v in set) h = Mix(h ^ v);
            fp[i] = h;
            rep[i] = set.IsEmpty ? -1 : i;
        }
        // equal fingerprints form runs; each run is re-sorted by index so the smallest index becomes representative
        Array.Sort(fp, order);
        int start = 0;
        for (int e = 1; e <= n; e++)
        {
            if (e < n && fp[e] == fp[start]) continue;
            if (e - start > 1)
            {
                Array.Sort(order, start, e - start);
                for (int x = start; x < e; x++)
                {
                    int i = order[x];
                    if (rep[i] != i) continue; // already matched or empty
                    for (int y = x + 1; y < e; y++)
                    {
                        int j = order[y];
                        if (rep[j] == j && s[i].SequenceEqual(s[j])) rep[j] = i;
                    }
                }
            }
            start = e;
        }
        return rep;
    }

    /// <summary>MinHash signatures of the representatives (other rows stay zero): h_t(x) = high 32 bits of
    /// a_t * x + b_t with seeded odd a_t, minimised over the shingles; identical on every path.</summary>
    internal static uint[] Signatures(ShingleSets s, int[] rep, MinHashOptions o, CancellationToken ct)
    {
        int n = s.Count, len = o.Bands * o.RowsPerBand;
        int padded = (len + 7) & ~7;
        var (ma, mb) = Permutations(o.Seed, padded);
        var sig = new uint[(long)n * len];
        var path = KernelPaths.Resolve(o.Path);
        int threads = KernelPaths.Threads(o.MaxDegreeOfParallelism);
        const int block = 1024;
        int blocks = (n + block - 1) / block;
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = ct }, () => new ulong[padded], (bi, _, mins) =>
        {
            for (int i = bi * block, end = Math.Min(n, i + block); i < end; i++)
            {
                if (rep[i] != i) continue;
                SignatureOf(s[i], ma, mb, mins, path);
                var dst = sig.AsSpan(i * len, len);
                for (int t = 0; t < len; t++) dst[t] = (uint)mins[t];
            }
            return mins;
        }, _ => { });
        return sig;
    }

    /// <summary>The seeded permutation parameters (odd multipliers, offsets) from SplitMix64.</summary>
    internal static (ulong[] A, ulong[] B) Permutations(ulong seed, int count)
    {
        var a = new ulong[count];
        var b = new ulong[count];
        ulong state = seed;
        for (int t = 0; t < count; t++)
        {
            a[t] = SplitMix(ref state) | 1;
            b[t] = SplitMix(ref state);
        }
        return (a, b);
    }

    internal static void SignatureOf(ReadOnlySpan<ulong> set, ulong[] a, ulong[] b, ulong[] mins, KernelPath path)
    {
        int len = a.Length;
        Array.Fill(mins, ulong.MaxValue);
        if (path == KernelPath.Vector512)
        {
            foreach (ulong x in set)
            {
                var vx = Vector512.Create(x);
                for (int t = 0; t < len; t += 8)
                {
                    var h = Vector512.ShiftRightLogical(Vector512.LoadUnsafe(ref a[t]) * vx + Vector512.LoadUnsafe(ref b[t]), 32);
                    Vector512.Min(h, Vector512.LoadUnsafe(ref mins[t])).StoreUnsafe(ref mins[t]);
                }
            }
        }
        else if (path == KernelPath.Vector256)
        {
            foreach (ulong x in set)
            {
                var vx = Vector256.Create(x);
                for (int t = 0; t < len; t += 4)
                {
                    var h = Vector256.ShiftRightLogical(Vector256.LoadUnsafe(ref a[t]) * vx + Vector256.LoadUnsafe(ref b[t]), 32);
                    Vector256.Min(h, Vector256.LoadUnsafe(ref mins[t])).StoreUnsafe(ref mins[t]);
                }
            }
        }
        else
        {
            foreach (ulong x in set)
                for (int t = 0; t < len; t++)
                {
                    ulong h = (a[t] * x + b[t]) >> 32;
                    if (h < mins[t]) mins[t] = h;
                }
        }
    }

    /// <summary>Distinct representative pairs that agree on all rows of at least one band, as sorted packed keys.
    /// A bucket yields all its pairs, so a bucket of b texts costs b²/2; exact duplicates were collapsed before, so
    /// buckets hold distinct texts and their pairs are mostly true near-duplicates that the output must list anyway.</summary>
    internal static long[] Candidates(uint[] sig, int[] rep, MinHashOptions o, CancellationToken ct)
    {
        int n = rep.Length, len = o.Bands * o.RowsPerBand, rows = o.RowsPerBand;
        int live = 0;
        for (int i = 0; i < n; i++) if (rep[i] == i) live++;
        var perBand = new long[o.Bands][];
        Parallel.For(0, o.Bands, new ParallelOptions { MaxDegreeOfParallelism = KernelPaths.Threads(o.MaxDegreeOfParallelism), CancellationToken = ct }, band =>
        {
            var keys = new ulong[live];
            var docs = new int[live];
            int c = 0;
            for (int i = 0; i < n; i++)
            {
                if (rep[i] != i) continue;
                ulong h = (ulong)band * 0x9E3779B97F4A7C15UL;
                var row = sig.AsSpan(i * len + band * rows, rows);
                foreach (uint v in row) h = Mix(h ^ v);
                keys[c] = h;
                docs[c++] = i;
            }
            Array.Sort(keys, docs);
            var outp = new List<long>();
            int start = 0;
            for (int e = 1; e <= live; e++)
            {
                if (e < live && keys[e] == keys[start]) continue;
                if (e - start > 1)
                {
                    Array.Sort(docs, start, e - start);
                    for (int x = start; x < e; x++)
                        for (int y = x + 1; y < e; y++)
                            outp.Add(((long)docs[x] << 32) | (uint)docs[y]);
                }
                start = e;
            }
            perBand[band] = [.. outp];
        });
        long total = 0;
        foreach (var b in perBand) total += b.Length;
        var all = new long[total];
        long at = 0;
        foreach (var b in perBand) { b.CopyTo(all, at); at += b.Length; }
        Array.Sort(all);
        int u = 0;
        for (int p = 0; p < all.Length; p++)
            if (u == 0 || all[p] != all[u - 1]) all[u++] = all[p];
        return all[..u];
    }

    internal static SimilarityPairs Verify(ShingleSets s, long[] candidates, MinHashOptions o, CancellationToken ct)
    {
        var keep = new float[candidates.Length];
        Parallel.For(0, (candidates.Length + 4095) / 4096, new ParallelOptions { MaxDegreeOfParallelism = KernelPaths.Threads(o.MaxDegreeOfParallelism), CancellationToken = ct }, chunk =>
        {
            for (int p = chunk * 4096, end = Math.Min(candidates.Length, p + 4096); p < end; p++)
            {
                double j = Jaccard(s[(int)(candidates[p] >> 32)], s[(int)candidates[p]]);
                keep[p] = j >= o.Threshold ? (float)j : -1f;
            }
        });
        int count = 0;
        for (int p = 0; p < candidates.Length; p++) if (keep[p] >= 0) count++;
        var keys = new long[count];
        var scores = new float[count];
        int at = 0;
        for (int p = 0; p < candidates.Length; p++)
            if (keep[p] >= 0) { keys[at] = candidates[p]; scores[at++] = keep[p]; }
        return SimilarityPairs.FromKeys(keys, scores, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    internal static ulong SplitMix(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }
}

/// <summary>Each document's shingles as sorted distinct 64-bit hashes, in CSR form.</summary>
public sealed class ShingleSets
{
    private readonly int[] _offsets;
    private readonly ulong[] _values;

    private ShingleSets(int[] offsets, ulong[] values) { _offsets = offsets; _values = values; }

    public int Count => _offsets.Length - 1;
    public ReadOnlySpan<ulong> this[int i] => _values.AsSpan(_offsets[i], _offsets[i + 1] - _offsets[i]);

    /// <summary>Tokenises each text into words (maximal runs of letters and digits, lower-cased invariantly),
    /// hashes each run of <paramref name="shingleWords"/> consecutive words with the seed, and keeps the distinct
    /// hashes sorted. Blocks of documents run in parallel and are concatenated in document order.</summary>
    public static ShingleSets Build(int count, TextAt text, int shingleWords, ulong seed, int threads, CancellationToken ct = default)
    {
        const int block = 2048;
        int blocks = (count + block - 1) / block;
        var parts = new (int[] Lengths, ulong[] Values, int Used)[blocks];
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = ct }, bi =>
        {
            int s = bi * block, e = Math.Min(count, s + block);
            var lengths = new int[e - s];
            var values = new ulong[1024];
            var words = new List<ulong>();
            int used = 0;
            for (int i = s; i < e; i++)
            {
                WordHashes(text(i), seed, words);
                int shingles = words.Count == 0 ? 0 : Math.Max(1, words.Count - shingleWords + 1);
                if (used + shingles > values.Length) Array.Resize(ref values, Math.Max(values.Length * 2, used + shingles));
                var dst = values.AsSpan(used, shingles);
                for (int w = 0; w < shingles; w++)
                {
                    ulong h = seed ^ 0xD6E8FEB86659FD93UL;
                    for (int x = w, last = Math.Min(words.Count, w + shingleWords); x < last; x++)
                        h = MinHashNearDuplicates.Mix(h + words[x]);
                    dst[w] = h;
                }
                dst.Sort();
                int u = 0;
                for (int w = 0; w < shingles; w++)
                    if (u == 0 || dst[w] != dst[u - 1]) dst[u++] = dst[w];
                lengths[i - s] = u;
                used += u;
            }
            parts[bi] = (lengths, values, used);
        });
        var offsets = new int[count + 1];
        long total = 0;
        foreach (var p in parts) total += p.Used;
        var all = new ulong[total];
        int at = 0, doc = 0;
        foreach (var p in parts)
        {
            Array.Copy(p.Values, 0, all, at, p.Used);
            foreach (int l in p.Lengths) { offsets[doc + 1] = offsets[doc] + l; doc++; }
            at += p.Used;
        }
        return new ShingleSets(offsets, all);
    }

    /// <summary>Appends the seeded hash of each lower-cased word of <paramref name="text"/> to <paramref name="words"/>.</summary>
    public static void WordHashes(ReadOnlySpan<char> text, ulong seed, List<ulong> words)
    {
        words.Clear();
        ulong h = 0;
        bool inWord = false;
        foreach (char ch in text)
        {
            if (char.IsLetterOrDigit(ch))
            {
                if (!inWord) { h = seed ^ 0xCBF29CE484222325UL; inWord = true; }
                h = (h ^ char.ToLowerInvariant(ch)) * 0x100000001B3UL;
            }
            else if (inWord)
            {
                words.Add(MinHashNearDuplicates.Mix(h));
                inWord = false;
            }
        }
        if (inWord) words.Add(MinHashNearDuplicates.Mix(h));
    }
}
