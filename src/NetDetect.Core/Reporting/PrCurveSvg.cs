using System.Globalization;
using System.Text;
using NetDetect.Core.Detection;

namespace NetDetect.Core.Reporting;

/// <summary>The precision-recall curve of an evaluation as a standalone SVG image, with the default threshold marked.</summary>
public static class PrCurveSvg
{
    public static string Render(double[] scores, bool[] labels, EvaluationReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var curve = RankMetrics.PrCurve(scores, labels);
        const int size = 400, pad = 45;
        double X(double r) => pad + r * (size - 2 * pad);
        double Y(double p) => size - pad - p * (size - 2 * pad);
        var sb = new StringBuilder();
        sb.Append(inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{size}\" viewBox=\"0 0 {size} {size}\"><rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        sb.Append(inv, $"<line x1=\"{X(0)}\" y1=\"{Y(0)}\" x2=\"{X(1)}\" y2=\"{Y(0)}\" stroke=\"black\"/><line x1=\"{X(0)}\" y1=\"{Y(0)}\" x2=\"{X(0)}\" y2=\"{Y(1)}\" stroke=\"black\"/>");
        for (int i = 0; i <= 10; i += 2)
        {
            double v = i / 10.0;
            sb.Append(inv, $"<text x=\"{X(v) - 8:0}\" y=\"{Y(0) + 15:0}\" font-size=\"10\">{v:0.0}</text><text x=\"{X(0) - 28:0}\" y=\"{Y(v) + 4:0}\" font-size=\"10\">{v:0.0}</text>");
        }
        sb.Append(inv, $"<text x=\"{size / 2 - 20}\" y=\"{size - 8}\" font-size=\"12\">recall</text><text x=\"8\" y=\"{size / 2}\" font-size=\"12\" transform=\"rotate(-90 12 {size / 2})\">precision</text>");
        sb.Append("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"");
        sb.Append(inv, $"{X(0):0.#},{Y(curve.Count > 0 ? curve[0].Precision : 1):0.#} ");
        foreach (var (r, p, _) in curve) sb.Append(inv, $"{X(r):0.#},{Y(p):0.#} ");
        sb.Append("\"/>");
        var o = report.Overall;
        sb.Append(inv, $"<circle cx=\"{X(o.Recall):0.#}\" cy=\"{Y(o.Precision):0.#}\" r=\"5\" fill=\"#d62728\"/>");
        sb.Append(inv, $"<text x=\"{pad + 10}\" y=\"{pad - 20}\" font-size=\"12\">PR-AUC {o.PrAuc:0.000}, ROC-AUC {o.RocAuc:0.000}; red: threshold {o.Threshold:0.##} (P {o.Precision:0.000}, R {o.Recall:0.000})</text>");
        return sb.Append("</svg>").ToString();
    }
}
