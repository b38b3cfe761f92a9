using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using NetDetect.Core.Features;
using NetDetect.Core.Network;

namespace NetDetect.Core.Detection;

/// <summary>Verdict bands on the calibrated probability (documented in models/MODEL_CARD.md).</summary>
public sealed record VerdictBands
{
    /// <summary>p ≥ this: <c>coordinated</c>.</summary>
    public double Coordinated { get; init; } = 0.8;
    /// <summary>p ≥ this (and below <see cref="Coordinated"/>): <c>suspicious</c>; below: <c>clear</c>. Also the default decision threshold.</summary>
    public double Suspicious { get; init; } = 0.5;

    public string Verdict(double p) => p >= Coordinated ? "coordinated" : p >= Suspicious ? "suspicious" : "clear";
}

/// <summary>LightGBM settings; explicit seed, determinism and thread count so a model is reproducible on a busy machine.</summary>
public sealed record TrainingOptions
{
    public int Seed { get; init; } = 7;
    public int Threads { get; init; } = 1;
    public int Iterations { get; init; } = 300;
    public int Leaves { get; init; } = 31;
    public double LearningRate { get; init; } = 0.05;
    public int MinExamplesPerLeaf { get; init; } = 20;
    /// <summary>Share of the labelled accounts held out (by a seeded hash of the account id) to fit the calibration.</summary>
    public double CalibrationShare { get; init; } = 0.2;
}

/// <summary>What a model file carries besides the ML.NET model: features, calibration, bands and the network recipe.</summary>
public sealed record ModelMetadata
{
    public int FormatVersion { get; init; } = 1;
    public required int FeatureVersion { get; init; }
    public required IReadOnlyList<string> FeatureNames { get; init; }
    /// <summary>Platt scaling p = 1 / (1 + exp(A·s + B)) on the raw LightGBM score s, fitted on held-out accounts.</summary>
    public required double PlattA { get; init; }
    public required double PlattB { get; init; }
    public required VerdictBands Bands { get; init; }
    public required IReadOnlyList<string> Modalities { get; init; }
    public required long WindowMicros { get; init; }
    public required int MinParticipation { get; init; }
    public required long CommunitySeed { get; init; }
    /// <summary>Crowd cap of the network (<see cref="DetectionNetworkOptions.MaxWindowCrowd"/>); absent in models made before it existed, which get the default.</summary>
    public int? MaxWindowCrowd { get; init; }
    public required TrainingOptions Training { get; init; }
    public required int TrainAccounts { get; init; }
    public required int TrainPositives { get; init; }
    public required int CalibrationAccounts { get; init; }
    public required int CalibrationPositives { get; init; }
    public IReadOnlyList<string> TrainedOn { get; init; } = [];

    /// <summary>The network recipe this model was trained with; detection must build the same.</summary>
    public DetectionNetworkOptions NetworkOptions(int threads) => new()
    {
        Modalities = Modalities.Select(m => ModalityNames.TryParse(m, out var x) ? x : throw new InvalidDataException($"model names unknown modality '{m}'")).ToArray(),
        WindowMicros = WindowMicros,
        MinParticipation = MinParticipation,
        MaxWindowCrowd = MaxWindowCrowd ?? DetectionNetworkOptions.DefaultMaxWindowCrowd,
        Seed = CommunitySeed,
        Threads = threads,
    };
}

/// <summary>One labelled feature row for ML.NET.</summary>
internal sealed class FeatureRow
{
    public bool Label { get; set; }
    [VectorType]
    public float[] Features { get; set; } = [];
}

/// <summary>
/// The coordination classifier: ML.NET LightGBM on <see cref="AccountFeatures"/>, Platt-calibrated on held-out accounts.
/// Saved as one zip holding the ML.NET model and <c>netdetect-model.json</c>.
/// </summary>
public sealed class CoordinationModel
{
    private const string ModelEntry = "mlnet-model.zip";
    private const string MetadataEntry = "netdetect-model.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly DataViewSchema _inputSchema;
    private readonly TreeEnsembleScorer? _scorer;

    public ModelMetadata Metadata { get; }

    /// <summary>True when scoring evaluates the trees directly (any LightGBM model NetDetect trains); false: through ML.NET.</summary>
    public bool FastScoring => _scorer is not null;

    /// <summary>True when bulk scoring uses the QuickScorer form of the trees (every tree has at most 32 leaves).</summary>
    internal bool BitScoring => _scorer?.HasBitScorer == true;

    /// <summary>Raw scores by walking the trees node by node, as before the QuickScorer form (tests compare the two).</summary>
    internal double[] WalkRawScores(FeatureMatrix features) => Walking(() => _scorer!.Score(features, threads: 1));

    /// <summary>Raw scores in QuickScorer form one row at a time, without the eight-row vector form (tests compare the two).</summary>
    internal double[] RowByRowRawScores(FeatureMatrix features)
    {
        if (_scorer is null) throw new InvalidOperationException("no direct scorer for this model");
        _scorer.RowByRow = true;
        try { return _scorer.Score(features, threads: 1); }
        finally { _scorer.RowByRow = false; }
    }

    /// <summary>Runs <paramref name="run"/> with the direct scorer walking the trees node by node (tests compare the two forms).</summary>
    internal T Walking<T>(Func<T> run)
    {
        if (_scorer is null) throw new InvalidOperationException("no direct scorer for this model");
        _scorer.WalkOnly = true;
        try { return run(); }
        finally { _scorer.WalkOnly = false; }
    }

    private CoordinationModel(MLContext ml, ITransformer model, DataViewSchema inputSchema, ModelMetadata metadata)
    {
        _ml = ml;
        _model = model;
        _inputSchema = inputSchema;
        Metadata = metadata;
        _scorer = TreeEnsembleScorer.TryCreate(model, metadata.FeatureNames.Count);
    }

    /// <summary>Trains on labelled rows (<paramref name="labels"/>: 1 operation, 0 organic, -1 ignored).</summary>
    public static CoordinationModel Train(IReadOnlyList<(FeatureMatrix Features, sbyte[] Labels, string[] Keys)> sets, DetectionNetworkOptions network,
        TrainingOptions options, VerdictBands? bands = null, IReadOnlyList<string>? trainedOn = null)
    {
        int f = AccountFeatures.Names.Count;
        var train = new List<FeatureRow>();
        var calibration = new List<FeatureRow>();
        foreach (var (features, labels, keys) in sets)
        {
            for (int i = 0; i < features.Rows; i++)
            {
                if (labels[i] < 0) continue;
                var row = new FeatureRow { Label = labels[i] == 1, Features = features.Row(i).ToArray() };
                (HoldOut(keys[i], options.Seed) < options.CalibrationShare ? calibration : train).Add(row);
            }
        }
        int trainPos = train.Count(r => r.Label), calPos = calibration.Count(r => r.Label);
        if (trainPos == 0 || trainPos == train.Count) throw new ArgumentException("training needs both operation and organic accounts (labels)");
        if (calPos == 0 || calPos == calibration.Count) throw new ArgumentException("too few labelled accounts to hold out a calibration set with both classes");

        var ml = new MLContext(options.Seed);
        var data = ml.Data.LoadFromEnumerable(train, SchemaFor(f));
        var trainer = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            LabelColumnName = nameof(FeatureRow.Label),
            FeatureColumnName = nameof(FeatureRow.Features),
            NumberOfIterations = options.Iterations,
            NumberOfLeaves = options.Leaves,
            LearningRate = options.LearningRate,
            MinimumExampleCountPerLeaf = options.MinExamplesPerLeaf,
            Seed = options.Seed,
            Deterministic = true,
            NumberOfThreads = options.Threads,
            HandleMissingValue = true,
            UseZeroAsMissingValue = false,
            Silent = true,
            Verbose = false,
        });
        var model = trainer.Fit(data);
        var calData = ml.Data.LoadFromEnumerable(calibration, SchemaFor(f));
        var raw = RawScores(model.Transform(calData), calibration.Count);
        var labelsCal = calibration.Select(r => r.Label).ToArray();
        var (a, b) = Platt.Fit(raw, labelsCal);
        var meta = new ModelMetadata
        {
            FeatureVersion = AccountFeatures.Version,
            FeatureNames = AccountFeatures.Names,
            PlattA = a,
            PlattB = b,
            Bands = bands ?? new VerdictBands(),
            Modalities = network.Modalities.Select(m => m.Name()).ToArray(),
            WindowMicros = network.WindowMicros,
            MinParticipation = network.MinParticipation,
            MaxWindowCrowd = network.MaxWindowCrowd,
            CommunitySeed = network.Seed,
            Training = options,
            TrainAccounts = train.Count,
            TrainPositives = trainPos,
            CalibrationAccounts = calibration.Count,
            CalibrationPositives = calPos,
            TrainedOn = trainedOn ?? [],
        };
        return new CoordinationModel(ml, model, data.Schema, meta);
    }

    /// <summary>A stable value in [0, 1) from the account key, deciding the calibration hold-out.</summary>
    internal static double HoldOut(string key, int seed)
    {
        ulong h = 1469598103934665603UL ^ (ulong)(uint)seed;
        foreach (char c in key) { h ^= c; h *= 1099511628211UL; }
        h ^= h >> 33; h *= 0xff51afd7ed558ccdUL; h ^= h >> 33;
        return (h >> 11) * (1.0 / (1UL << 53));
    }

    private static IEnumerable<FeatureRow> Rows(FeatureMatrix features)
    {
        for (int i = 0; i < features.Rows; i++) yield return new FeatureRow { Features = features.Row(i).ToArray() };
    }

    private static SchemaDefinition SchemaFor(int features)
    {
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
        return schema;
    }

    private static double[] RawScores(IDataView scored, int count)
    {
        var result = new double[count];
        var column = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor([column]);
        var getter = cursor.GetGetter<float>(column);
        int i = 0;
        float value = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            result[i++] = value;
        }
        return result;
    }

    /// <summary>Calibrated probabilities for every row of <paramref name="features"/>.</summary>
    public double[] Score(FeatureMatrix features)
    {
        CheckFeatures(features);
        var raw = RawScores(features);
        var p = new double[raw.Length];
        for (int i = 0; i < raw.Length; i++) p[i] = Platt.Apply(raw[i], Metadata.PlattA, Metadata.PlattB);
        return p;
    }

    /// <summary>Raw LightGBM scores (margins) of every row; rows are split over <paramref name="threads"/>, which changes no value.</summary>
    public double[] RawScores(FeatureMatrix features, int threads = 1)
    {
        if (_scorer is not null && features.Columns == _scorer.Features) return _scorer.Score(features, threads);
        return MlNetRawScores(features);
    }

    /// <summary>The direct scorer's splits (empty when scoring goes through ML.NET).</summary>
    internal IEnumerable<(int Feature, float Threshold)> SplitThresholds() => _scorer?.Splits() ?? [];

    /// <summary>Mean walk length per tree of the direct scorer (0 without one).</summary>
    internal double MeanTreeDepth => _scorer?.MeanDepth ?? 0;

    /// <summary>Raw scores through ML.NET's own prediction pipeline (the reference the direct tree walk must equal).</summary>
    internal double[] MlNetRawScores(FeatureMatrix features)
    {
        var view = _ml.Data.LoadFromEnumerable(Rows(features), SchemaFor(features.Columns));
        return RawScores(_model.Transform(view), features.Rows);
    }

    /// <summary>
    /// Occlusion scores for feature reasons: for every listed row and every feature c, the raw score of the row with
    /// feature c replaced by <paramref name="reference"/>[c]; result[k * columns + c]. Computed in blocks, so no
    /// rows × columns² matrix is ever held.
    /// </summary>
    public double[] OcclusionScores(FeatureMatrix features, IReadOnlyList<int> rows, ReadOnlySpan<float> reference, int threads = 1)
    {
        int f = features.Columns;
        var result = new double[(long)rows.Count * f];
        if (_scorer is null || f != _scorer.Features)
        {
            var values = new float[(long)rows.Count * f * f];
            for (int k = 0; k < rows.Count; k++)
            {
                var row = features.Row(rows[k]);
                for (int c = 0; c < f; c++)
                {
                    var dest = values.AsSpan((int)(((long)k * f + c) * f), f);
                    row.CopyTo(dest);
                    dest[c] = reference[c];
                }
            }
            return MlNetRawScores(new FeatureMatrix { Names = features.Names, Rows = rows.Count * f, Values = values });
        }
        var scorer = _scorer;
        var refs = reference.ToArray();
        const int chunk = 64;
        int chunks = (rows.Count + chunk - 1) / chunk;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) },
            () => new TreeEnsembleScorer.OcclusionScratch(scorer),
            (ch, _, scratch) =>
            {
                int start = ch * chunk, count = Math.Min(chunk, rows.Count - start);
                for (int k = start; k < start + count; k++)
                    scorer.Occlusion(features.Row(rows[k]), refs, result.AsSpan(k * f, f), scratch);
                return scratch;
            },
            _ => { });
        return result;
    }

    private void CheckFeatures(FeatureMatrix features)
    {
        if (!features.Names.SequenceEqual(Metadata.FeatureNames))
            throw new InvalidDataException($"the model was trained on feature set v{Metadata.FeatureVersion} with other features than this build computes (v{AccountFeatures.Version}); retrain it");
    }

    public async Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        using var inner = new MemoryStream();
        _ml.Model.Save(_model, _inputSchema, inner);
        await using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        var modelEntry = zip.CreateEntry(ModelEntry, CompressionLevel.Optimal);
        modelEntry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var s = modelEntry.Open()) await s.WriteAsync(inner.ToArray(), cancellationToken);
        var metaEntry = zip.CreateEntry(MetadataEntry, CompressionLevel.Optimal);
        metaEntry.LastWriteTime = modelEntry.LastWriteTime;
        await using (var s = metaEntry.Open()) await JsonSerializer.SerializeAsync(s, Metadata, Json, cancellationToken);
    }

    /// <summary>Loads a model file; a file that is not a NetDetect model is a <see cref="InvalidDataException"/>.</summary>
    public static CoordinationModel Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model file not found: {path}", path);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var metaEntry = zip.GetEntry(MetadataEntry) ?? throw new InvalidDataException($"{path}: not a NetDetect model (no {MetadataEntry})");
            ModelMetadata meta;
            using (var s = metaEntry.Open()) meta = JsonSerializer.Deserialize<ModelMetadata>(s, Json) ?? throw new InvalidDataException($"{path}: empty metadata");
            if (meta.FeatureVersion != AccountFeatures.Version || !meta.FeatureNames.SequenceEqual(AccountFeatures.Names))
                throw new InvalidDataException($"{path}: trained on feature set v{meta.FeatureVersion}, this build computes v{AccountFeatures.Version}; retrain the model");
            var modelEntry = zip.GetEntry(ModelEntry) ?? throw new InvalidDataException($"{path}: not a NetDetect model (no {ModelEntry})");
            using var inner = new MemoryStream();
            using (var s = modelEntry.Open()) s.CopyTo(inner);
            inner.Position = 0;
            var ml = new MLContext(meta.Training.Seed);
            var model = ml.Model.Load(inner, out var schema);
            return new CoordinationModel(ml, model, schema, meta);
        }
        catch (InvalidDataException e) when (e.Message.StartsWith(path, StringComparison.Ordinal)) { throw; }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException or JsonException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: cannot read the model ({e.Message})", e);
        }
    }
}

/// <summary>Platt scaling: a one-dimensional logistic regression of the labels on the raw score (Platt 1999, with Lin et al.'s targets).</summary>
public static class Platt
{
    public static double Apply(double score, double a, double b)
    {
        double z = a * score + b;
        return z >= 0 ? Math.Exp(-z) / (1 + Math.Exp(-z)) : 1 / (1 + Math.Exp(z));
    }

    /// <summary>Fits A, B by Newton's method with backtracking on the regularised targets.</summary>
    public static (double A, double B) Fit(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        int pos = 0, neg = 0;
        foreach (bool l in labels) if (l) pos++; else neg++;
        double hi = (pos + 1.0) / (pos + 2.0), lo = 1.0 / (neg + 2.0);
        double a = 0, b = Math.Log((neg + 1.0) / (pos + 1.0));
        double Objective(double aa, double bb, ReadOnlySpan<double> s, ReadOnlySpan<bool> y)
        {
            double f = 0;
            for (int i = 0; i < s.Length; i++)
            {
                double t = y[i] ? hi : lo;
                double z = aa * s[i] + bb;
                f += z >= 0 ? t * z + Math.Log(1 + Math.Exp(-z)) : (t - 1) * z + Math.Log(1 + Math.Exp(z));
            }
            return f;
        }
        double fval = Objective(a, b, scores, labels);
        for (int iter = 0; iter < 100; iter++)
        {
            double h11 = 1e-12, h22 = 1e-12, h21 = 0, g1 = 0, g2 = 0;
            for (int i = 0; i < scores.Length; i++)
            {
                double t = labels[i] ? hi : lo;
                double p = Apply(scores[i], a, b); // P(y=1) = 1/(1+exp(z))
                double d2 = p * (1 - p);
                h11 += scores[i] * scores[i] * d2;
                h22 += d2;
                h21 += scores[i] * d2;
                double d1 = t - p;
                g1 += scores[i] * d1;
                g2 += d1;
            }
            if (Math.Abs(g1) < 1e-7 && Math.Abs(g2) < 1e-7) break;
            double det = h11 * h22 - h21 * h21;
            double dA = -(h22 * g1 - h21 * g2) / det, dB = -(-h21 * g1 + h11 * g2) / det;
            double gd = g1 * dA + g2 * dB;
            double step = 1;
            bool moved = false;
            while (step >= 1e-10)
            {
                double na = a + step * dA, nb = b + step * dB;
                double nf = Objective(na, nb, scores, labels);
                if (nf < fval + 1e-4 * step * gd)
                {
                    a = na; b = nb; fval = nf; moved = true;
                    break;
                }
                step /= 2;
            }
            if (!moved) break;
        }
        return (a, b);
    }
}
