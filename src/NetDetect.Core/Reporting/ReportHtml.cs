using System.Globalization;
using System.Net;
using System.Text;
using NetDetect.Core.Detection;
using NetDetect.Core.Network;

namespace NetDetect.Core.Reporting;

/// <summary>
/// The analyst's report: one self-contained HTML file (inline CSS and SVG, no scripts or external resources) with the
/// summary, the top clusters with their evidence, timelines and hour-of-week profiles, a network picture and the top accounts.
/// </summary>
public static class ReportHtml
{
    /// <summary>Most edges the network picture draws (the strongest).</summary>
    public const int MaxLines = 3000;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];

    public static string Render(DetectionResult result, string inputName, string modelName, int topClusters = 10, int topAccounts = 50)
    {
        var h = new StringBuilder();
        int coordinated = result.Verdicts.Count(v => v.Verdict == "coordinated");
        int suspicious = result.Verdicts.Count(v => v.Verdict == "suspicious");
        h.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>NetDetect report</title><style>")
         .Append("body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}table{border-collapse:collapse;margin:1em 0}")
         .Append("td,th{border:1px solid #ccc;padding:3px 7px;font-size:13px;vertical-align:top}th{background:#f2f2f2}")
         .Append(".c{color:#b00}.s{color:#c60}.k{display:inline-block;margin-right:2em}h2{border-bottom:2px solid #ddd}svg{background:#fff}")
         .Append("</style></head><body>");
        h.Append("<h1>NetDetect report</h1>");
        h.Append(Inv, $"<p>Input <b>{E(inputName)}</b>, model <b>{E(modelName)}</b>. {result.Dataset.Accounts.Count:N0} accounts, {result.Dataset.Posts.Count:N0} posts, ")
         .Append(Inv, $"{result.Network.Network.EdgeCount:N0} co-activity edges ({E(string.Join(", ", result.Model.Modalities))}; window {result.Model.WindowMicros / 1e6:0.#} s).</p>");
        h.Append(Inv, $"<p><span class=\"k c\"><b>{coordinated:N0}</b> coordinated (p ≥ {result.Model.Bands.Coordinated:0.##})</span>")
         .Append(Inv, $"<span class=\"k s\"><b>{suspicious:N0}</b> suspicious (p ≥ {result.Model.Bands.Suspicious:0.##})</span>")
         .Append(Inv, $"<span class=\"k\"><b>{result.Clusters.Count:N0}</b> clusters reported</span>");
        if (result.SeedCount > 0) h.Append(Inv, $"<span class=\"k\"><b>{result.SeedCount}</b> seed accounts</span>");
        h.Append("</p>");
        h.Append("<h2>Score distribution</h2>").Append(Histogram(result.Scores));

        h.Append("<h2>Network of flagged accounts</h2><p>Accounts at or above the suspicious band joined by co-activity inside their cluster; colour = cluster, radius = score. Largest clusters only.</p>");
        h.Append(NetworkPicture(result));

        h.Append("<h2>Top clusters</h2><table><tr><th>cluster</th><th>score</th><th>members</th><th>edges</th><th>density</th><th>evidence by modality</th><th>top shared objects</th><th>active</th></tr>");
        foreach (var c in result.Clusters.Take(topClusters))
        {
            var s = c.Summary;
            h.Append(Inv, $"<tr><td><a href=\"#c{c.Id}\">{c.Id}</a></td><td>{c.Score:0.000}</td><td>{s.Size}</td><td>{s.Edges}</td><td>{s.Density:0.00}</td><td>");
            foreach (var (m, b) in s.Modalities) h.Append(Inv, $"{E(m)}: {b.Evidence:0.#} ({b.Pairs} pairs)<br>");
            h.Append("</td><td>");
            foreach (var o in s.TopObjects.Take(3)) h.Append(Inv, $"{E(o.Modality)} <code>{E(Short(o.ObjectId, 50))}</code> on {o.Edges} edges, Δ{o.DeltaSeconds:0}s<br>");
            h.Append(Inv, $"</td><td>{s.FirstShare:yyyy-MM-dd HH:mm} – {s.LastShare:yyyy-MM-dd HH:mm}</td></tr>");
        }
        h.Append("</table>");
        foreach (var c in result.Clusters.Take(Math.Min(topClusters, 6)))
        {
            h.Append(Inv, $"<h3 id=\"c{c.Id}\">Cluster {c.Id}: {c.Summary.Size} accounts, score {c.Score:0.000}</h3>");
            h.Append(Inv, $"<p>{c.Profile.Posts:N0} posts. Best-fitting operator time zone UTC{c.Profile.BestUtcOffsetHours:+0;-0;+0}, office-hours share there {c.Profile.OfficeShare:P0}. ")
             .Append("Members: ").Append(E(string.Join(", ", c.Summary.Members.Take(20)))).Append(c.Summary.Members.Count > 20 ? ", …" : "").Append("</p>");
            h.Append("<div>").Append(Timeline(c.Profile)).Append(HourOfWeek(c.Profile)).Append("</div>");
        }

        h.Append("<h2>Top accounts</h2><table><tr><th>account</th><th>score</th><th>verdict</th><th>cluster</th><th>reasons</th></tr>");
        foreach (var v in result.Verdicts.Where(v => v.Verdict != "clear").OrderByDescending(v => v.Score).ThenBy(v => v.AccountId, StringComparer.Ordinal).Take(topAccounts))
        {
            string cls = v.Verdict == "coordinated" ? "c" : "s";
            h.Append(Inv, $"<tr><td>{E(v.AccountId)}</td><td>{v.Score:0.000}</td><td class=\"{cls}\">{v.Verdict}</td><td>{v.ClusterId}</td><td>{E(v.Reasons)}</td></tr>");
        }
        h.Append("</table><p style=\"color:#777\">Scores are calibrated probabilities that an account belongs to a coordinated operation; reasons list the features that raised the score most (occlusion against the dataset median) and the strongest co-activity edges. A verdict is a lead for review, not proof.</p></body></html>");
        return h.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string Short(string s, int n) => s.Length <= n ? s : s[..n] + "…";

    private static string Histogram(double[] scores)
    {
        var bins = new int[20];
        foreach (double s in scores) bins[Math.Clamp((int)(s * 20), 0, 19)]++;
        int w = 600, hgt = 140;
        double max = Math.Log10(1 + bins.Max());
        var sb = new StringBuilder();
        sb.Append(Inv, $"<svg width=\"{w}\" height=\"{hgt + 20}\" xmlns=\"http://www.w3.org/2000/svg\">");
        for (int i = 0; i < 20; i++)
        {
            double bh = max > 0 ? Math.Log10(1 + bins[i]) / max * hgt : 0;
            string color = i >= 16 ? "#b00" : i >= 10 ? "#c60" : "#888";
            sb.Append(Inv, $"<rect x=\"{i * 30}\" y=\"{hgt - bh:0.#}\" width=\"28\" height=\"{bh:0.#}\" fill=\"{color}\"><title>{i / 20.0:0.00}–{(i + 1) / 20.0:0.00}: {bins[i]}</title></rect>");
        }
        sb.Append(Inv, $"<text x=\"0\" y=\"{hgt + 15}\" font-size=\"11\">0</text><text x=\"{w - 20}\" y=\"{hgt + 15}\" font-size=\"11\">1</text><text x=\"250\" y=\"{hgt + 15}\" font-size=\"11\">score (log count)</text></svg>");
        return sb.ToString();
    }

    private static string Timeline(Features.ClusterProfile p)
    {
        int w = 560, hgt = 110;
        var sb = new StringBuilder();
        sb.Append(Inv, $"<svg width=\"{w}\" height=\"{hgt + 20}\" xmlns=\"http://www.w3.org/2000/svg\"><text x=\"0\" y=\"12\" font-size=\"11\">posts per day from {p.FirstDay:yyyy-MM-dd}</text>");
        if (p.PostsPerDay.Length > 0)
        {
            int max = Math.Max(1, p.PostsPerDay.Max());
            double bw = (double)w / p.PostsPerDay.Length;
            for (int d = 0; d < p.PostsPerDay.Length; d++)
            {
                double bh = p.PostsPerDay[d] / (double)max * (hgt - 20);
                sb.Append(Inv, $"<rect x=\"{d * bw:0.##}\" y=\"{hgt - bh:0.#}\" width=\"{Math.Max(0.5, bw - 0.5):0.##}\" height=\"{bh:0.#}\" fill=\"#1f77b4\"><title>day {d}: {p.PostsPerDay[d]}</title></rect>");
            }
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static string HourOfWeek(Features.ClusterProfile p)
    {
        int w = 504, hgt = 110;
        var sb = new StringBuilder();
        sb.Append(Inv, $"<svg width=\"{w}\" height=\"{hgt + 20}\" xmlns=\"http://www.w3.org/2000/svg\"><text x=\"0\" y=\"12\" font-size=\"11\">posts by hour of week (UTC, Mon 00:00 first)</text>");
        int max = Math.Max(1, p.HourOfWeekUtc.Max());
        for (int i = 0; i < 168; i++)
        {
            double bh = p.HourOfWeekUtc[i] / (double)max * (hgt - 20);
            sb.Append(Inv, $"<rect x=\"{i * 3}\" y=\"{hgt - bh:0.#}\" width=\"2.5\" height=\"{bh:0.#}\" fill=\"{(i / 24 % 2 == 0 ? "#2ca02c" : "#98df8a")}\"/>");
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>A deterministic layout: each cluster on its own circle, clusters on a grid, at most ~400 accounts.</summary>
    private static string NetworkPicture(DetectionResult result)
    {
        const int size = 800;
        var clusters = result.Clusters.OrderByDescending(c => c.Summary.Size).ThenBy(c => c.Id).ToList();
        var shown = new List<Detection.DetectedCluster>();
        int total = 0;
        foreach (var c in clusters)
        {
            if (total + c.Summary.Size > 400 && shown.Count > 0) break;
            shown.Add(c);
            total += c.Summary.Size;
        }
        var sb = new StringBuilder();
        sb.Append(Inv, $"<svg width=\"{size}\" height=\"{size}\" viewBox=\"0 0 {size} {size}\" xmlns=\"http://www.w3.org/2000/svg\">");
        if (shown.Count == 0) return sb.Append("<text x=\"20\" y=\"30\">no clusters reported</text></svg>").ToString();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < result.Verdicts.Length; i++) if (result.Verdicts[i].ClusterId >= 0) index[result.Verdicts[i].AccountId] = i;
        int grid = (int)Math.Ceiling(Math.Sqrt(shown.Count));
        double cell = size / (double)grid;
        var pos = new Dictionary<int, (double X, double Y, string Color)>();
        for (int k = 0; k < shown.Count; k++)
        {
            var c = shown[k];
            double cx = (k % grid + 0.5) * cell, cy = (k / grid + 0.5) * cell;
            double r = cell * 0.38 * Math.Min(1, Math.Sqrt(c.Summary.Size / 30.0) + 0.3);
            string color = Palette[k % Palette.Length];
            var members = c.Summary.Members;
            for (int m = 0; m < members.Count; m++)
            {
                double angle = 2 * Math.PI * m / members.Count;
                pos[index[members[m]]] = (cx + r * Math.Cos(angle), cy + r * Math.Sin(angle), color);
            }
            sb.Append(Inv, $"<text x=\"{cx - cell / 2 + 4:0}\" y=\"{cy - cell / 2 + 14:0}\" font-size=\"12\">cluster {c.Id} ({c.Summary.Size})</text>");
        }
        // at most MaxLines edges, the strongest, so a large operation's picture stays a readable page
        var lines = new List<NetworkEdge>();
        foreach (var e in result.FlaggedGraph.Edges)
            if (pos.ContainsKey(e.Source) && pos.ContainsKey(e.Target)) lines.Add(e);
        if (lines.Count > MaxLines)
        {
            var evidence = lines.Select(e => e.Evidence).ToArray();
            var order = Enumerable.Range(0, lines.Count).ToArray();
            Array.Sort(order, (x, y) => evidence[x] != evidence[y] ? evidence[y].CompareTo(evidence[x])
                : lines[x].Source != lines[y].Source ? lines[x].Source.CompareTo(lines[y].Source) : lines[x].Target.CompareTo(lines[y].Target));
            var strongest = new bool[lines.Count];
            for (int k = 0; k < MaxLines; k++) strongest[order[k]] = true;
            lines = lines.Where((_, k) => strongest[k]).ToList();
        }
        foreach (var e in lines)
        {
            var a = pos[e.Source];
            var b = pos[e.Target];
            sb.Append(Inv, $"<line x1=\"{a.X:0.#}\" y1=\"{a.Y:0.#}\" x2=\"{b.X:0.#}\" y2=\"{b.Y:0.#}\" stroke=\"#999\" stroke-opacity=\"0.35\" stroke-width=\"{Math.Min(3, 0.3 + Math.Log10(1 + e.Evidence)):0.##}\"/>");
        }
        foreach (var (v, p) in pos.OrderBy(kv => kv.Key))
        {
            var verdict = result.Verdicts[v];
            sb.Append(Inv, $"<circle cx=\"{p.X:0.#}\" cy=\"{p.Y:0.#}\" r=\"{2 + 4 * verdict.Score:0.#}\" fill=\"{p.Color}\"><title>{E(verdict.AccountId)} {verdict.Score:0.000}</title></circle>");
        }
        return sb.Append("</svg>").ToString();
    }
}
