using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Xml.Linq;
using S3MlLayout.Engine.Rendering;

namespace S3MlLayout.Engine.Drift
{
    /// <summary>The formats Export-MlDriftReport writes.</summary>
    public enum DriftReportFormat { JUnit, Markdown }

    /// <summary>
    /// A fleet's drift as CI systems read it: JUnit XML (Azure DevOps PublishTestResults, GitHub test reporters: a
    /// test suite per bucket, a test case per bucket and solution, a failure per drifted row with its findings) and
    /// Markdown (a PR comment or $GITHUB_STEP_SUMMARY). Every name, key and value in them comes from a bucket, so each is
    /// written through its sink's escaping (<see cref="XmlText"/>, <see cref="MarkdownText"/>): whoever writes to a bucket
    /// cannot add a row, a line or markup to what a reviewer reads.
    /// </summary>
    public static class DriftReport
    {
        /// <summary>How many findings a row lists before it says how many more there are.</summary>
        public const int FindingsShown = 50;

        private static string RowName(DriftSummary row) => row.Solution.Length == 0 ? "(bucket)" : row.Solution;

        /// <summary>The row's non-zero counts, as "2 Missing, 1 NotDeclared" (also the console view's Findings column).</summary>
        public static string Counts(DriftSummary row) =>
            string.Join(", ", new (string Name, int Count)[]
            {
                ("Missing", row.Missing), ("Implicit", row.Implicit), ("Unexpected", row.Unexpected), ("NamingViolation", row.NamingViolation),
                ("InvalidPartition", row.InvalidPartition), ("BucketSetting", row.BucketSetting), ("LinkOutsideBucket", row.LinkOutsideBucket),
                ("FormatViolation", row.FormatViolation), ("UnplacedObject", row.UnplacedObject), ("PartitionViolation", row.PartitionViolation), ("ContentMismatch", row.ContentMismatch),
                ("NotDeclared", row.NotDeclared),
            }.Where(c => c.Count > 0).Select(c => $"{c.Count} {c.Name}"));

        public static string Render(IEnumerable<DriftSummary> rows, DriftReportFormat format) =>
            format == DriftReportFormat.JUnit ? ToJUnit(rows) : ToMarkdown(rows);

        public static string ToJUnit(IEnumerable<DriftSummary> rows)
        {
            var buckets = rows.GroupBy(r => r.Bucket, StringComparer.Ordinal).ToList();
            var root = new XElement("testsuites",
                new XAttribute("name", "S3MlLayout drift"),
                new XAttribute("tests", buckets.Sum(b => b.Count())),
                new XAttribute("failures", buckets.Sum(b => b.Count(r => !r.InSync))));
            foreach (var bucket in buckets)
            {
                var suite = new XElement("testsuite",
                    new XAttribute("name", XmlText.Of(bucket.Key)),
                    new XAttribute("tests", bucket.Count()),
                    new XAttribute("failures", bucket.Count(r => !r.InSync)),
                    new XAttribute("errors", 0));
                foreach (var row in bucket)
                {
                    var test = new XElement("testcase", new XAttribute("classname", XmlText.Of(bucket.Key)), new XAttribute("name", XmlText.Of(RowName(row))));
                    if (!row.InSync)
                    {
                        var details = new StringBuilder();
                        foreach (var finding in row.Findings.Take(FindingsShown)) details.AppendLine(XmlText.Of(finding.ToString()));
                        if (row.Findings.Count > FindingsShown) details.AppendLine($"... and {row.Findings.Count - FindingsShown} more findings.");
                        test.Add(new XElement("failure",
                            new XAttribute("message", $"{row.Total} drift findings: {Counts(row)}"),
                            new XAttribute("type", "LayoutDrift"),
                            details.ToString()));
                    }
                    suite.Add(test);
                }
                root.Add(suite);
            }
            return new XDocument(new XDeclaration("1.0", "utf-8", null), root).Declaration + "\n" + root.ToString() + "\n";
        }

        public static string ToMarkdown(IEnumerable<DriftSummary> rows)
        {
            var list = rows.ToList();
            int drifted = list.Count(r => !r.InSync);
            var text = new StringBuilder();
            text.AppendLine("## S3MlLayout drift");
            text.AppendLine();
            text.AppendLine(drifted == 0
                ? $"All {list.Count} buckets and solutions match what was declared ({list.Select(r => r.Bucket).Distinct().Count()} buckets)."
                : $"**{drifted} of {list.Count}** buckets and solutions have drifted ({list.Where(r => !r.InSync).Select(r => r.Bucket).Distinct().Count()} of {list.Select(r => r.Bucket).Distinct().Count()} buckets).");
            text.AppendLine();
            text.AppendLine("| bucket | solution | status | findings |");
            text.AppendLine("| --- | --- | --- | --- |");
            foreach (var row in list)
                text.AppendLine($"| {MarkdownText.Code(row.Bucket)} | {(row.Solution.Length == 0 ? "(bucket)" : MarkdownText.Code(row.Solution))} | {(row.InSync ? "in sync" : "**drifted**")} | {(row.InSync ? "" : Counts(row))} |");
            foreach (var row in list.Where(r => !r.InSync))
            {
                text.AppendLine();
                text.AppendLine($"<details><summary>{MarkdownText.Html(row.Bucket)} {MarkdownText.Html(RowName(row))}: {row.Total} findings</summary>");
                text.AppendLine();
                foreach (var finding in row.Findings.Take(FindingsShown))
                    text.AppendLine($"- {finding.Category}{MarkdownText.Text(finding.SettingName)} {MarkdownText.Code(finding.Uri, inTable: false)}{(finding.Expected != null ? $" (expected {MarkdownText.Text(finding.Expected)}, actual {MarkdownText.Text(finding.Actual)})" : "")}");
                if (row.Findings.Count > FindingsShown) text.AppendLine($"- ... and {row.Findings.Count - FindingsShown} more");
                text.AppendLine();
                text.AppendLine("</details>");
            }
            return text.ToString();
        }
    }
}
