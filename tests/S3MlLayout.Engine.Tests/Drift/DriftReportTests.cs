using System.Xml.Linq;
using S3MlLayout.Engine.Drift;

namespace S3MlLayout.Engine.Tests.Drift;

public sealed class DriftReportTests
{
    private static DriftFinding Finding(string bucket, string solution, DriftCategory category, string key) =>
        new() { Bucket = bucket, Solution = solution, Kind = category, Key = key, Uri = $"s3://{bucket}/{key}", Expected = "folder marker", Actual = "absent" };

    private static List<DriftSummary> Fleet() =>
        DriftSummary.Rows("a-dev-t1-us-east-1", new[] { "churn", "fraud" }, true, Array.Empty<DriftFinding>(), 10)
            .Concat(DriftSummary.Rows("a-prod-t1-us-east-1", new[] { "churn", "fraud" }, true, new[]
            {
                Finding("a-prod-t1-us-east-1", "churn", DriftCategory.Missing, "solutions/churn/data/raw/"),
                Finding("a-prod-t1-us-east-1", "churn", DriftCategory.Missing, "solutions/churn/data/raw/daily/"),
                // As BucketSettingRule makes it: the bucket's URI, the setting's name as Key.
                new DriftFinding { Bucket = "a-prod-t1-us-east-1", Kind = DriftCategory.BucketSetting, Key = "Versioning", Uri = "s3://a-prod-t1-us-east-1/", Expected = "Enabled", Actual = "Suspended" },
            }, 12)).ToList();

    [Fact]
    public void Rows_are_one_per_solution_plus_the_bucket_and_count_only_their_own_findings()
    {
        var rows = Fleet().Where(r => r.Bucket == "a-prod-t1-us-east-1").ToList();
        Assert.Equal(new[] { "", "churn", "fraud" }, rows.Select(r => r.Solution));
        Assert.Equal(new[] { 1, 2, 0 }, rows.Select(r => r.Total));
        Assert.Equal(new[] { false, false, true }, rows.Select(r => r.InSync));
        Assert.All(rows, r => Assert.Equal(12, r.Requests));
        Assert.Equal(new[] { "churn" }, DriftSummary.Rows("b", new[] { "churn" }, false, Array.Empty<DriftFinding>(), 1).Select(r => r.Solution));
    }

    [Fact]
    public void JUnit_has_a_suite_per_bucket_a_case_per_row_and_a_failure_per_drifted_row()
    {
        var xml = XDocument.Parse(DriftReport.ToJUnit(Fleet()));
        Assert.Equal("6", xml.Root!.Attribute("tests")!.Value);
        Assert.Equal("2", xml.Root.Attribute("failures")!.Value);
        var suites = xml.Root.Elements("testsuite").ToList();
        Assert.Equal(new[] { "a-dev-t1-us-east-1", "a-prod-t1-us-east-1" }, suites.Select(s => s.Attribute("name")!.Value));
        Assert.Empty(suites[0].Descendants("failure"));
        var failures = suites[1].Elements("testcase").Where(c => c.Element("failure") != null).ToList();
        Assert.Equal(new[] { "(bucket)", "churn" }, failures.Select(c => c.Attribute("name")!.Value));
        Assert.Equal("2 drift findings: 2 Missing", failures[1].Element("failure")!.Attribute("message")!.Value);
        Assert.Contains("s3://a-prod-t1-us-east-1/solutions/churn/data/raw/daily/", failures[1].Element("failure")!.Value);
        // Issue 16: the setting is named, not only the bucket.
        Assert.Contains("BucketSetting Versioning s3://a-prod-t1-us-east-1/ (expected Enabled, actual Suspended)", failures[0].Element("failure")!.Value);
    }

    [Fact]
    public void Markdown_says_what_drifted_and_lists_the_findings()
    {
        string markdown = DriftReport.ToMarkdown(Fleet());
        Assert.Contains("**2 of 6** buckets and solutions have drifted (1 of 2 buckets)", markdown);
        Assert.Contains("| `a-prod-t1-us-east-1` | `churn` | **drifted** | 2 Missing |", markdown);
        Assert.Contains("| `a-dev-t1-us-east-1` | `fraud` | in sync |  |", markdown);
        // Issue 16: the setting is named, not only the bucket.
        Assert.Contains("- BucketSetting Versioning `s3://a-prod-t1-us-east-1/` (expected Enabled, actual Suspended)", markdown);
        Assert.Contains("All 3 buckets and solutions match", DriftReport.ToMarkdown(Fleet().Where(r => r.Bucket == "a-dev-t1-us-east-1")));
    }
}
