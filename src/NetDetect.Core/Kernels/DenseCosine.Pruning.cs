namespace NetDetect.Core.Kernels;

/// <summary>Whether all-pairs at a threshold first bounds each tile in a low-dimensional projection.</summary>
public enum DensePruning
{
    /// <summary>On for thresholds of at least 0.5 on at least 25,000 rows of at least 32 dimensions (below that the
    /// projection and row order cost more than they save on a first call).</summary>
    Auto,
    Off,
    On,
}

// Exact pruning for all-pairs at a threshold. With P the top-K eigenvectors of the rows' second-moment matrix
// (orthonormal), every unit row u splits into x = Pu and a residual of norm q = sqrt(|u|² - |x|²), and by
// Cauchy–Schwarz on the residuals  u·v ≤ x·y + q_u q_v.  That bound is the dot product of the augmented
// (K+1)-vectors (x, q), so a tile is first run through the same micro-kernel over K+1 dimensions instead of d, in
// two levels (the first 8 eigen-directions, then 32; nested, so the second bound is the tighter); only a tile with
// some bound at or above (threshold - margin) at both levels runs the full fp32 kernel, whose scores are the
// reference's bit for bit. Rows are reordered by k-means cluster in the projection so that the pairs that survive
// the bounds gather in a few tiles; pairs are mapped back to the caller's indices.
public sealed partial class DenseCosine
{
    private const int PruneDims1 = 8, PruneDims2 = 32, ClusterDims = 16, PruneClusters = 64, PruneSample = 4096;
    private (TileShape Shape, Pruned P)? _pruned;

    /// <summary>The reordered, panel-packed full rows and augmented projections, and the bound's safety margin.</summary>
    internal sealed class Pruned
    {
        /// <summary>Perm[position] = the caller's row index at that position of the reordered matrix.</summary>
        public required int[] Perm { get; init; }
        public required float[] Rows { get; init; }
        public required float[] Cols { get; init; }
        public required float[] ProjRows1 { get; init; }
        public required float[] ProjCols1 { get; init; }
        public required float[] ProjRows2 { get; init; }
        public required float[] ProjCols2 { get; init; }
        /// <summary>Augmented dimensions K + 1 of the two levels.</summary>
        public required int Dims1 { get; init; }
        public required int Dims2 { get; init; }
        /// <summary>A tile is skipped only when every bound is below threshold - Margin.</summary>
        public required double Margin { get; init; }
        /// <summary>The last all-pairs run on these packs: tiles bounded, and tiles that ran the full kernel.</summary>
        public long LastBoundTiles, LastExactTiles;
    }

    /// <summary>The augmented projections (x, q) of every row, in the caller's order, at the first or second level
    /// (for tests of the bound).</summary>
    internal (float[][] Rows, int Dims) AugmentedProjections(bool second)
    {
        var shape = TileShape.For(KernelPath.Scalar);
        var p = PrunedPacks(shape);
        int kp = second ? p.Dims2 : p.Dims1, mr = shape.MR;
        var packed = second ? p.ProjRows2 : p.ProjRows1;
        var rows = new float[Count][];
        for (int pos = 0; pos < Count; pos++)
        {
            var r = new float[kp];
            for (int k = 0; k < kp; k++) r[k] = packed[(pos / mr) * mr * kp + k * mr + pos % mr];
            rows[p.Perm[pos]] = r;
        }
        return (rows, kp);
    }

    internal static bool UsePruning(DensePruning mode, float threshold, int n, int d) => mode switch
    {
        DensePruning.On => true,
        DensePruning.Off => false,
        _ => threshold >= 0.5f && n >= 25_000 && d >= 32,
    };

    /// <summary>γ_n = n·u / (1 - n·u) with u = 2⁻²⁴: the bound on the relative error of an n-term fp32 fma chain.</summary>
    private static double Gamma(int n) => n * Unit24 / (1 - n * Unit24);

    private const double Unit24 = 1.0 / (1 << 24);

    internal Pruned PrunedPacks(TileShape shape)
    {
        lock (_packLock)
        {
            if (_pruned is { } p && p.Shape == shape) return p.P;
            var built = BuildPruned(shape);
            _pruned = (shape, built);
            return built;
        }
    }

    private Pruned BuildPruned(TileShape shape)
    {
        int n = Count, d = Dimension, k2 = Math.Min(PruneDims2, d), k1 = Math.Min(PruneDims1, k2);
        int kp1 = k1 + 1, kp2 = k2 + 1;
        var basis = TopSubspace(k2);

        // augmented projections (x, q) at both levels, in double, rounded once; q is rounded up so that each bound
        // stays an upper bound
        var proj1 = new float[(long)n * kp1];
        var proj2 = new float[(long)n * kp2];
        Parallel.For(0, (n + 1023) / 1024, chunk =>
        {
            Span<double> u = stackalloc double[d];
            for (int i = chunk * 1024, end = Math.Min(n, i + 1024); i < end; i++)
            {
                var row = Unit(i);
                for (int c = 0; c < d; c++) u[c] = row[c];
                double norm2 = System.Numerics.Tensors.TensorPrimitives.Dot(u, u), x2 = 0;
                for (int j = 0; j < k2; j++)
                {
                    double s = System.Numerics.Tensors.TensorPrimitives.Dot(basis.AsSpan(j * d, d), u);
                    x2 += s * s;
                    proj2[(long)i * kp2 + j] = (float)s;
                    if (j < k1) proj1[(long)i * kp1 + j] = (float)s;
                    if (j == k1 - 1) proj1[(long)i * kp1 + k1] = Residual(norm2, x2);
                }
                proj2[(long)i * kp2 + k2] = Residual(norm2, x2);
            }
        });

        var perm = ClusterOrder(proj2, n, kp2, Math.Min(ClusterDims, k2));

        // s_ref ≤ u·v + γ_d|u||v|; u·v ≤ x·y + q_u q_v (exact reals); the fp32 bound chain over K+1 terms is within
        // γ_(K+1)|(x,q)||(y,q)| of its exact value and the float rounding of x within 2u·|x||y|; every norm here is
        // at most 1 + 2⁻²⁰ (rows are unit or zero). Twice that sum, plus 1e-6 for the double-precision basis and square
        // roots, is a safe margin: a skipped tile cannot hold a score at or above the threshold.
        double margin = 2 * (Gamma(d) + Gamma(kp2) + 2 * Unit24) + 1e-6;
        var packs = new float[6][];
        Parallel.For(0, 6, t => packs[t] = t switch
        {
            0 => PackPanels(_unit, n, d, shape.MR, perm),
            1 => PackPanels(_unit, n, d, shape.W, perm),
            2 => PackPanels(proj1, n, kp1, shape.MR, perm),
            3 => PackPanels(proj1, n, kp1, shape.W, perm),
            4 => PackPanels(proj2, n, kp2, shape.MR, perm),
            _ => PackPanels(proj2, n, kp2, shape.W, perm),
        });
        return new Pruned
        {
            Perm = perm,
            Rows = packs[0],
            Cols = packs[1],
            ProjRows1 = packs[2],
            ProjCols1 = packs[3],
            ProjRows2 = packs[4],
            ProjCols2 = packs[5],
            Dims1 = kp1,
            Dims2 = kp2,
            Margin = margin,
        };
    }

    /// <summary>The residual norm sqrt(|u|² - |x|²), rounded up to float (0 for a zero row).</summary>
    private static float Residual(double norm2, double x2)
    {
        if (norm2 == 0) return 0;
        return MathF.BitIncrement((float)Math.Sqrt(Math.Max(0, norm2 - x2)));
    }

    /// <summary>An orthonormal basis (k rows of d doubles) of the dominant k-dimensional subspace of the uncentred
    /// second-moment matrix of a fixed sample of unit rows, by subspace iteration with twice-repeated Gram–Schmidt.
    /// Any orthonormal basis keeps the bound exact; a better one only prunes more.</summary>
    private double[] TopSubspace(int k)
    {
        int n = Count, d = Dimension;
        var m = new double[d * d];
        int stride = Math.Max(1, n / PruneSample);
        for (int i = 0; i < n; i += stride)
        {
            var u = Unit(i);
            for (int r = 0; r < d; r++)
            {
                double ur = u[r];
                if (ur == 0) continue;
                for (int c = 0; c < d; c++) m[r * d + c] += ur * u[c];
            }
        }
        var basis = new double[k * d];
        var rng = new Random(20240601);
        for (int j = 0; j < basis.Length; j++) basis[j] = rng.NextDouble() - 0.5;
        Orthonormalize(basis, k, d);
        var next = new double[k * d];
        for (int iter = 0; iter < 30; iter++)
        {
            Array.Clear(next);
            for (int j = 0; j < k; j++)
                for (int r = 0; r < d; r++)
                {
                    double s = 0;
                    for (int c = 0; c < d; c++) s += m[r * d + c] * basis[j * d + c];
                    next[j * d + r] = s;
                }
            (basis, next) = (next, basis);
            Orthonormalize(basis, k, d);
        }
        // Rayleigh–Ritz: rotate the basis to the eigenvectors of its k x k projected matrix, largest first, so that
        // any leading part of it is the best subspace of its size (the levels' bases are then nested)
        var b = new double[k * k];
        var mb = new double[d];
        for (int j = 0; j < k; j++)
        {
            for (int r = 0; r < d; r++)
            {
                double s = 0;
                for (int c = 0; c < d; c++) s += m[r * d + c] * basis[j * d + c];
                mb[r] = s;
            }
            for (int i = 0; i < k; i++)
            {
                double s = 0;
                for (int r = 0; r < d; r++) s += basis[i * d + r] * mb[r];
                b[i * k + j] = s;
            }
        }
        var (values, vectors) = Jacobi(b, k);
        var order = new int[k];
        for (int j = 0; j < k; j++) order[j] = j;
        Array.Sort(order, (x, y) => values[y].CompareTo(values[x]) != 0 ? values[y].CompareTo(values[x]) : x.CompareTo(y));
        var rotated = new double[k * d];
        for (int j = 0; j < k; j++)
        {
            int e = order[j];
            for (int i = 0; i < k; i++)
            {
                double v = vectors[i * k + e];
                for (int c = 0; c < d; c++) rotated[j * d + c] += v * basis[i * d + c];
            }
        }
        Orthonormalize(rotated, k, d);
        return rotated;
    }

    /// <summary>Cyclic Jacobi eigen-decomposition of a small symmetric matrix: eigenvalues and the eigenvectors as
    /// the columns of a k x k matrix.</summary>
    private static (double[] Values, double[] Vectors) Jacobi(double[] a, int k)
    {
        a = (double[])a.Clone();
        var v = new double[k * k];
        for (int i = 0; i < k; i++) v[i * k + i] = 1;
        for (int sweep = 0; sweep < 60; sweep++)
        {
            double off = 0;
            for (int p = 0; p < k; p++) for (int q = p + 1; q < k; q++) off += a[p * k + q] * a[p * k + q];
            if (off < 1e-30) break;
            for (int p = 0; p < k; p++)
                for (int q = p + 1; q < k; q++)
                {
                    double apq = a[p * k + q];
                    if (Math.Abs(apq) < 1e-300) continue;
                    double theta = (a[q * k + q] - a[p * k + p]) / (2 * apq);
                    double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int r = 0; r < k; r++)
                    {
                        double arp = a[r * k + p], arq = a[r * k + q];
                        a[r * k + p] = c * arp - s * arq;
                        a[r * k + q] = s * arp + c * arq;
                    }
                    for (int r = 0; r < k; r++)
                    {
                        double apr = a[p * k + r], aqr = a[q * k + r];
                        a[p * k + r] = c * apr - s * aqr;
                        a[q * k + r] = s * apr + c * aqr;
                    }
                    for (int r = 0; r < k; r++)
                    {
                        double vrp = v[r * k + p], vrq = v[r * k + q];
                        v[r * k + p] = c * vrp - s * vrq;
                        v[r * k + q] = s * vrp + c * vrq;
                    }
                }
        }
        var values = new double[k];
        for (int i = 0; i < k; i++) values[i] = a[i * k + i];
        return (values, v);
    }

    private static void Orthonormalize(double[] v, int k, int d)
    {
        int attempt = 0;
        for (int pass = 0; pass < 2; pass++)
            for (int j = 0; j < k; j++)
            {
                var vj = v.AsSpan(j * d, d);
            retry:
                for (int i = 0; i < j; i++)
                {
                    var vi = v.AsSpan(i * d, d);
                    double dot = 0;
                    for (int c = 0; c < d; c++) dot += vi[c] * vj[c];
                    for (int c = 0; c < d; c++) vj[c] -= dot * vi[c];
                }
                double norm = 0;
                for (int c = 0; c < d; c++) norm += vj[c] * vj[c];
                norm = Math.Sqrt(norm);
                if (norm < 1e-9)
                {
                    // a degenerate direction (rank-deficient data): try unit axes until one is independent of the
                    // others (one of any j + 1 ≤ d axes is)
                    vj.Clear();
                    vj[(j + attempt++) % d] = 1;
                    goto retry;
                }
                for (int c = 0; c < d; c++) vj[c] /= norm;
            }
    }

    /// <summary>A row order that groups similar rows: k-means (seeded, on a fixed sample) in the K projected
    /// dimensions, clusters chained nearest-first, rows in index order within a cluster. Only speed depends on it.</summary>
    private static int[] ClusterOrder(float[] proj, int n, int kp, int k)
    {
        int clusters = Math.Max(1, Math.Min(PruneClusters, n / 256));
        var centers = new double[clusters * k];
        int stride = Math.Max(1, n / PruneSample);
        int sample = (n + stride - 1) / stride;
        var rng = new Random(7);
        // k-means++ seeding on the sample
        var dist = new double[sample];
        Array.Fill(dist, double.MaxValue);
        int first = rng.Next(sample);
        for (int j = 0; j < k; j++) centers[j] = proj[(long)first * stride * kp + j];
        for (int c = 1; c < clusters; c++)
        {
            double total = 0;
            for (int s = 0; s < sample; s++)
            {
                dist[s] = Math.Min(dist[s], Dist(proj, (long)s * stride * kp, centers, (c - 1) * k, k));
                total += dist[s];
            }
            double pick = rng.NextDouble() * total;
            int chosen = sample - 1;
            for (int s = 0; s < sample; s++)
            {
                pick -= dist[s];
                if (pick <= 0) { chosen = s; break; }
            }
            for (int j = 0; j < k; j++) centers[c * k + j] = proj[(long)chosen * stride * kp + j];
        }
        var sums = new double[clusters * k];
        var sizes = new int[clusters];
        for (int iter = 0; iter < 8; iter++)
        {
            Array.Clear(sums);
            Array.Clear(sizes);
            for (int s = 0; s < sample; s++)
            {
                long at = (long)s * stride * kp;
                int c = Nearest(proj, at, centers, clusters, k);
                sizes[c]++;
                for (int j = 0; j < k; j++) sums[c * k + j] += proj[at + j];
            }
            for (int c = 0; c < clusters; c++)
                if (sizes[c] > 0)
                    for (int j = 0; j < k; j++) centers[c * k + j] = sums[c * k + j] / sizes[c];
        }
        // chain the clusters: each next one is the nearest not yet placed
        var rank = new int[clusters];
        var placed = new bool[clusters];
        int cur = 0;
        for (int r = 0; r < clusters; r++)
        {
            placed[cur] = true;
            rank[cur] = r;
            int best = -1;
            double bestD = double.MaxValue;
            for (int c = 0; c < clusters; c++)
            {
                if (placed[c]) continue;
                double dd = 0;
                for (int j = 0; j < k; j++) { double t = centers[cur * k + j] - centers[c * k + j]; dd += t * t; }
                if (dd < bestD) { bestD = dd; best = c; }
            }
            if (best < 0) break;
            cur = best;
        }
        var key = new int[n];
        var count = new int[clusters + 1];
        Parallel.For(0, (n + 1023) / 1024, chunk =>
        {
            for (int i = chunk * 1024, end = Math.Min(n, i + 1024); i < end; i++)
                key[i] = rank[Nearest(proj, (long)i * kp, centers, clusters, k)];
        });
        for (int i = 0; i < n; i++) count[key[i] + 1]++;
        for (int c = 0; c < clusters; c++) count[c + 1] += count[c];
        var perm = new int[n];
        for (int i = 0; i < n; i++) perm[count[key[i]]++] = i;
        return perm;
    }

    private static double Dist(float[] proj, long at, double[] centers, int c0, int k)
    {
        double s = 0;
        for (int j = 0; j < k; j++) { double t = proj[at + j] - centers[c0 + j]; s += t * t; }
        return s;
    }

    private static int Nearest(float[] proj, long at, double[] centers, int clusters, int k)
    {
        int best = 0;
        double bestD = double.MaxValue;
        for (int c = 0; c < clusters; c++)
        {
            double dd = Dist(proj, at, centers, c * k, k);
            if (dd < bestD) { bestD = dd; best = c; }
        }
        return best;
    }

    /// <summary>Records only whether a tile had any value at or above its row thresholds.</summary>
    internal unsafe struct HitFlag : ITileSink
    {
        public bool Hit;

        public void Scan(float* tile, int mr, int w, int i0, int j0, float* thr) => Hit = true;
    }
}
