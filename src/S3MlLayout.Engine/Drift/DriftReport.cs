using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Xml.Linq;

namespace S3MlLayout.Engine.Drift
{
    /// <summary>The formats Export-MlDriftReport writes.</summary>
    public enum DriftReportFormat { JUnit, Markdown }

    /// <summary>
    /// A fleet's drift as CI systems read it: JUnit XML (Azure DevOps PublishTestResults, GitHub test reporters: a
    /// test suite per bucket, a test case per bucket and solution, a failure per drifted row with its findings) and
    /// Markdown (a PR comment or $GITHUB_STEP_SUMMARY).
    /// </summary>
    public static class DriftReport
    {
        /// <summary>How many findings a row lists before it says how many more there are.</summary>
        public const int FindingsShown = 50;

        private static string RowName(DriftSummary row) => row.Solution.Length == 0 ? "(bucket)" : row.Solution;

        private static string Counts(DriftSummary row) =>
            string.Join(", ", new (string Name, int Count)[]
            {
                ("Missing", row.Missing), ("Implicit", row.Implicit), ("Unexpected", row.Unexpected), ("NamingViolation", row.NamingViolation),
                ("InvalidPartition", row.InvalidPartition), ("BucketSetting", row.BucketSetting), ("LinkOutsideBucket", row.LinkOutsideBucket),
                ("FormatViolation", row.FormatViolation), ("UnplacedObject", row.UnplacedObject), ("PartitionViolation", row.PartitionViolation),
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
                    new XAttribute("name", bucket.Key),
                    new XAttribute("tests", bucket.Count()),
                    new XAttribute("failures", bucket.Count(r => !r.InSync)),
                    new XAttribute("errors", 0));
                foreach (var row in bucket)
                {
                    var test = new XElement("testcase", new XAttribute("classname", bucket.Key), new XAttribute("name", RowName(row)));
                    if (!row.InSync)
                    {
                        var details = new StringBuilder();
                        foreach (var finding in row.Findings.Take(FindingsShown)) details.AppendLine(finding.ToString());
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
                text.AppendLine($"| `{row.Bucket}` | {(row.Solution.Length == 0 ? "(bucket)" : $"`{row.Solution}`")} | {(row.InSync ? "in sync" : "**drifted**")} | {(row.InSync ? "" : Counts(row))} |");
            foreach (var row in list.Where(r => !r.InSync))
            {
                text.AppendLine();
                text.AppendLine($"<details><summary>{row.Bucket} {RowName(row)}: {row.Total} findings</summary>");
                text.AppendLine();
                foreach (var finding in row.Findings.Take(FindingsShown))
                    text.AppendLine($"- {finding.Category} `{finding.Uri}`{(finding.Expected != null ? $" (expected {finding.Expected}, actual {finding.Actual})" : "")}");
                if (row.Findings.Count > FindingsShown) text.AppendLine($"- ... and {row.Findings.Count - FindingsShown} more");
                text.AppendLine();
                text.AppendLine("</details>");
            }
            return text.ToString();
        }
    }
}
