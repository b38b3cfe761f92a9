using System.Text.Json;
using NetDetect.Core.Data;
using NetDetect.Core.Features;

namespace NetDetect.Core.Detection;

/// <summary>Labels of a dataset for training and evaluation: 1 operation, 0 organic, -1 unlabelled.</summary>
public static class Labels
{
    public static sbyte[] Of(Dataset dataset)
    {
        var acc = dataset.Accounts;
        var labels = new sbyte[acc.Count];
        for (int i = 0; i < acc.Count; i++)
        {
            var l = acc.Label.GetSpan(i);
            labels[i] = acc.Label.IsNull(i) || l.IsEmpty ? (sbyte)-1 : l.SequenceEqual("organic") ? (sbyte)0 : (sbyte)1;
        }
        return labels;
    }

    /// <summary>Training rows of one dataset: features, labels, and keys (dataset name + account id) for the calibration hold-out.</summary>
    public static (FeatureMatrix Features, sbyte[] Labels, string[] Keys) TrainingSet(Dataset dataset, DetectionNetworkOptions network, string name,
        IProgress<StageProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var cn = CoordinationNetwork.Build(dataset, network, progress, cancellationToken);
        var features = AccountFeatures.Compute(dataset, cn, cancellationToken);
        var keys = new string[dataset.Accounts.Count];
        for (int i = 0; i < keys.Length; i++) keys[i] = name + "/" + dataset.Accounts.Ids[i];
        return (features, Of(dataset), keys);
    }
}

/// <summary>Binary metrics at a threshold and threshold-free (ROC-AUC, PR-AUC as average precision).</summary>
public sealed record BinaryMetrics(int Positives, int Negatives, double Threshold, int TruePositives, int FalsePositives, int FalseNegatives,
    double Precision, double Recall, double F1, double RocAuc, double PrAuc)
{
    /// <summary>Metrics of <paramref name="scores"/> against <paramref name="labels"/> (true = operation).</summary>
    public static BinaryMetrics Compute(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, double threshold)
    {
        int pos = 0, neg = 0, tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (labels[i]) pos++; else neg++;
            bool predicted = scores[i] >= threshold;
            if (predicted && labels[i]) tp++;
            else if (predicted) fp++;
            else if (labels[i]) fn++;
        }
        double precision = tp + fp == 0 ? 0 : tp / (double)(tp + fp);
        double recall = pos == 0 ? 0 : tp / (double)pos;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new BinaryMetrics(pos, neg, threshold, tp, fp, fn, precision, recall, f1, RankMetrics.RocAuc(scores, labels), RankMetrics.AveragePrecision(scores, labels));
    }
}

/// <summary>Threshold-free metrics over a ranking by score.</summary>
public static class RankMetrics
{

    private static int[] Order(ReadOnlySpan<double> scores)
    {
        var s = scores.ToArray();
        var order = new int[s.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) => s[b].CompareTo(s[a]) != 0 ? s[b].CompareTo(s[a]) : a.CompareTo(b));
        return order;
    }

    /// <summary>ROC-AUC by the rank statistic, ties counted half.</summary>
    public static double RocAuc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        var order = Order(scores);
        long pos = 0, neg = 0;
        foreach (bool l in labels) if (l) pos++; else neg++;
        if (pos == 0 || neg == 0) return double.NaN;
        double auc = 0;
        long negAbove = 0;
        int i = 0;
        while (i < order.Length)
        {
            int j = i;
            long p = 0, q = 0;
            while (j < order.Length && scores[order[j]] == scores[order[i]]) { if (labels[order[j]]) p++; else q++; j++; }
            auc += p * (negAbove + q / 2.0);
            negAbove += q;
            i = j;
        }
        return 1 - auc / (pos * (double)neg);
    }

    /// <summary>Average precision: Σ over recall steps of precision, ties as one step (the PR-AUC).</summary>
    public static double AveragePrecision(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        var curve = PrCurve(scores, labels);
        double ap = 0, lastRecall = 0;
        foreach (var (recall, precision, _) in curve)
        {
            ap += (recall - lastRecall) * precision;
            lastRecall = recall;
        }
        return ap;
    }

    /// <summary>Precision-recall points, one per distinct score, in descending score order.</summary>
    public static List<(double Recall, double Precision, double Threshold)> PrCurve(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        var order = Order(scores);
        long pos = 0;
        foreach (bool l in labels) if (l) pos++;
        var points = new List<(double, double, double)>();
        if (pos == 0) return points;
        long tp = 0, seen = 0;
        int i = 0;
        while (i < order.Length)
        {
            int j = i;
            while (j < order.Length && scores[order[j]] == scores[order[i]]) { if (labels[order[j]]) tp++; seen++; j++; }
            points.Add((tp / (double)pos, tp / (double)seen, scores[order[i]]));
            i = j;
        }
        return points;
    }
}

/// <summary>False positives among one group of genuine look-alike accounts (from the simulator's truth file).</summary>
public sealed record HardNegativeResult(string Name, string Kind, int Members, int Flagged, double FalsePositiveRate, double MeanScore);

/// <summary>What <c>netdetect evaluate</c> writes to metrics.json.</summary>
public sealed record EvaluationReport(
    string Dataset, string Model, double Threshold, BinaryMetrics Overall,
    IReadOnlyDictionary<string, BinaryMetrics> PerOperation,
    IReadOnlyList<HardNegativeResult> HardNegatives,
    int Unlabelled,
    int MinEdgePairs = 1);

/// <summary>Scores a labelled dataset with a model and measures the result overall, per operation and on hard negatives.</summary>
public static class Evaluator
{
    public static EvaluationReport Evaluate(DetectionResult result, string datasetName, string modelName, string? truthJson)
    {
        var ds = result.Dataset;
        var labels = Labels.Of(ds);
        double threshold = result.Model.Bands.Suspicious;
        var scores = new List<double>();
        var truth = new List<bool>();
        var byOp = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        var organic = new List<int>();
        int unlabelled = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0) { unlabelled++; continue; }
            scores.Add(result.Scores[i]);
            truth.Add(labels[i] == 1);
            if (labels[i] == 1)
            {
                string op = ds.Accounts.Label[i]!;
                if (!byOp.TryGetValue(op, out var list)) byOp[op] = list = [];
                list.Add(i);
            }
            else organic.Add(i);
        }
        var overall = BinaryMetrics.Compute(scores.ToArray(), truth.ToArray(), threshold);
        // per operation: that operation's accounts against every organic account
        var perOp = new SortedDictionary<string, BinaryMetrics>(StringComparer.Ordinal);
        foreach (var (op, members) in byOp)
        {
            var s = new double[members.Count + organic.Count];
            var y = new bool[s.Length];
            int k = 0;
            foreach (int m in members) { s[k] = result.Scores[m]; y[k++] = true; }
            foreach (int m in organic) s[k++] = result.Scores[m];
            perOp[op] = BinaryMetrics.Compute(s, y, threshold);
        }
        var hard = new List<HardNegativeResult>();
        if (truthJson is not null)
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < ds.Accounts.Count; i++) index[ds.Accounts.Ids[i]] = i;
            using var doc = JsonDocument.Parse(truthJson);
            if (doc.RootElement.TryGetProperty("hard_negatives", out var groups))
            {
                foreach (var g in groups.EnumerateArray())
                {
                    int members = 0, flagged = 0;
                    double sum = 0;
                    foreach (var id in g.GetProperty("member_ids").EnumerateArray())
                    {
                        if (!index.TryGetValue(id.GetString() ?? "", out int i)) continue;
                        members++;
                        sum += result.Scores[i];
                        if (result.Scores[i] >= threshold) flagged++;
                    }
                    hard.Add(new HardNegativeResult(g.GetProperty("name").GetString() ?? "", g.GetProperty("kind").GetString() ?? "", members, flagged,
                        members == 0 ? 0 : flagged / (double)members, members == 0 ? 0 : sum / members));
                }
            }
        }
        return new EvaluationReport(datasetName, modelName, threshold, overall, perOp, hard, unlabelled, result.Network.Options.MinEdgePairs);
    }
}
