using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Serialization;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Drift
{
    /// <summary>What kind of difference between a bucket and its declared layout a finding is.</summary>
    public enum DriftCategory
    {
        /// <summary>A declared folder is absent: no marker and nothing under it.</summary>
        Missing,
        /// <summary>Objects lie under a declared prefix, but its marker is gone.</summary>
        Implicit,
        /// <summary>A prefix the layout does not declare.</summary>
        Unexpected,
        /// <summary>An undeclared prefix whose name breaks the naming style of its subtree.</summary>
        NamingViolation,
        /// <summary>Under a date-partitioned folder, a prefix that is not a valid date level in the declared style.</summary>
        InvalidPartition,
        /// <summary>A bucket setting differs from what was declared.</summary>
        BucketSetting,
        /// <summary>
        /// Local target: a symbolic link that leads out of the bucket directory. It is never followed, written or
        /// deleted through; what lies behind it is not checked.
        /// </summary>
        LinkOutsideBucket,
        /// <summary>-Scope Objects: an object whose format its folder's contract does not accept.</summary>
        FormatViolation,
        /// <summary>-Scope Objects: an object in no folder that accepts files (the solution root, data/, a Files: false folder).</summary>
        UnplacedObject,
        /// <summary>-Scope Objects: an object in a date-partitioned folder but not under a valid date path of its style.</summary>
        PartitionViolation,
        /// <summary>-Scope Objects -VerifyContent: an object whose first (or, for Parquet, last) bytes are not what its extension claims.</summary>
        ContentMismatch,
        /// <summary>
        /// A solution the bucket declares that its tenant spec no longer names (known only for a bucket that comes
        /// from a tenant spec). Nothing is removed because of it: Remove-MlSolution does that, when asked.
        /// </summary>
        NotDeclared,
    }

    /// <summary>How deep Get-MlLayoutDrift looks.</summary>
    public enum DriftScope
    {
        /// <summary>The declared folders and settings only: the cost follows the layout, not the data.</summary>
        Folders,
        /// <summary>Also every object under the declared solutions, against its folder's contract: about one request per 1,000 objects more.</summary>
        Objects,
    }

    /// <summary>
    /// One finding of Get-MlLayoutDrift. Plain properties only, so ConvertTo-Json gives a clean CI artefact; the
    /// bucket object it came from is kept internally for Repair-MlLayout.
    /// </summary>
    public sealed class DriftFinding
    {
        /// <summary>
        /// The category's name (Missing, BucketSetting ...), so ConvertTo-Json writes names on Windows PowerShell and
        /// PowerShell 7 alike, and Where-Object/Sort-Object see names; the engine works with <see cref="Kind"/>.
        /// Setting it (findings read back from JSON) takes a name or the number older JSON holds.
        /// </summary>
        public string Category { get => Kind.ToString(); set => Kind = DriftCategories.Parse(value); }
        [JsonIgnore]
        internal DriftCategory Kind { get; set; }
        public string Bucket { get; set; } = "";
        /// <summary>The solution the finding belongs to; empty for bucket-level findings.</summary>
        public string Solution { get; set; } = "";
        /// <summary>s3://bucket/key (or the local path) of the prefix, or s3://bucket/ for a setting.</summary>
        public string Uri { get; set; } = "";
        /// <summary>The prefix relative to the bucket root; for BucketSetting, the setting's name.</summary>
        public string Key { get; set; } = "";
        /// <summary>For an object finding, the declared folder the object lies in (its key); null for folder findings.</summary>
        public string? Folder { get; set; }
        public string? Expected { get; set; }
        public string? Actual { get; set; }
        public string SuggestedFix { get; set; } = "";
        /// <summary>Repair-MlLayout can fix this one safely (create a marker, re-apply a setting).</summary>
        public bool Repairable { get; set; }
        /// <summary>For Unexpected with -Detailed: how many objects lie under the prefix.</summary>
        public long? ObjectCount { get; set; }
        /// <summary>For Unexpected with -Detailed: their total size in bytes.</summary>
        public long? Size { get; set; }

        /// <summary>
        /// For an object finding read from an S3 Inventory report (-Inventory): when S3 took that report (UTC), so
        /// the finding is as of then, not now. Null for findings of a listing.
        /// </summary>
        public DateTime? ReportDate { get; set; }
        /// <summary>For an object finding read from an inventory report: the report's manifest (s3://…/manifest.json).</summary>
        public string? Report { get; set; }

        [JsonIgnore]
        internal MlBucket? Source { get; set; }

        public override string ToString() => $"{Kind}{SettingName} {Uri}{(Expected != null ? $" (expected {Expected}, actual {Actual})" : "")}";

        /// <summary>" Versioning" for a BucketSetting finding, whose Uri is the bucket's alone, so reports say which setting differs.</summary>
        internal string SettingName => Kind == DriftCategory.BucketSetting && Key.Length > 0 ? " " + Key : "";
    }

    internal static class DriftCategories
    {
        internal static DriftCategory Parse(string? value)
        {
            if (value != null && Enum.TryParse(value.Trim(), true, out DriftCategory category) && Enum.IsDefined(typeof(DriftCategory), category)) return category;
            throw new ArgumentException($"'{value}' is not a drift category; one of {string.Join(", ", Enum.GetNames(typeof(DriftCategory)))}.", nameof(value));
        }
    }

    /// <summary>
    /// The totals of one drift check (Get-MlLayoutDrift -Summary): one row per bucket and solution, and a row for
    /// the bucket as a whole (its root folders and settings: <see cref="Solution"/> empty) when it was checked.
    /// </summary>
    public sealed class DriftSummary
    {
        public string Bucket { get; set; } = "";
        /// <summary>The solution the row is about; empty for the bucket as a whole (root folders, settings).</summary>
        public string Solution { get; set; } = "";
        public IReadOnlyList<string> Solutions { get; set; } = new List<string>();
        /// <summary>The findings the row counts (for reports: JUnit failures, Markdown details).</summary>
        public IReadOnlyList<DriftFinding> Findings { get; set; } = new List<DriftFinding>();
        public int Missing { get; set; }
        public int Implicit { get; set; }
        public int Unexpected { get; set; }
        public int NamingViolation { get; set; }
        public int InvalidPartition { get; set; }
        public int BucketSetting { get; set; }
        public int LinkOutsideBucket { get; set; }
        public int FormatViolation { get; set; }
        public int UnplacedObject { get; set; }
        public int PartitionViolation { get; set; }
        public int ContentMismatch { get; set; }
        /// <summary>1 on the row of a solution the bucket declares and its tenant spec no longer names.</summary>
        public int NotDeclared { get; set; }
        public int Total => Missing + Implicit + Unexpected + NamingViolation + InvalidPartition + BucketSetting + LinkOutsideBucket
            + FormatViolation + UnplacedObject + PartitionViolation + ContentMismatch + NotDeclared;
        public bool InSync => Total == 0;
        /// <summary>Requests the check sent (LIST pages, GETs of declarations and settings).</summary>
        public long Requests { get; set; }

        internal void Count(DriftCategory category)
        {
            switch (category)
            {
                case DriftCategory.Missing: Missing++; break;
                case DriftCategory.Implicit: Implicit++; break;
                case DriftCategory.Unexpected: Unexpected++; break;
                case DriftCategory.NamingViolation: NamingViolation++; break;
                case DriftCategory.InvalidPartition: InvalidPartition++; break;
                case DriftCategory.BucketSetting: BucketSetting++; break;
                case DriftCategory.LinkOutsideBucket: LinkOutsideBucket++; break;
                case DriftCategory.FormatViolation: FormatViolation++; break;
                case DriftCategory.UnplacedObject: UnplacedObject++; break;
                case DriftCategory.PartitionViolation: PartitionViolation++; break;
                case DriftCategory.ContentMismatch: ContentMismatch++; break;
                case DriftCategory.NotDeclared: NotDeclared++; break;
            }
        }

        public override string ToString() => $"{Bucket}{(Solution.Length > 0 ? "/" + Solution : "")}: {Total} findings";

        /// <summary>
        /// The rows of one bucket's check: one per solution checked (in sync or not), and one for the bucket as a
        /// whole when its root was checked. <paramref name="requests"/> is the whole check's cost, on every row.
        /// </summary>
        public static IReadOnlyList<DriftSummary> Rows(string bucket, IReadOnlyList<string> solutions, bool wholeBucket, IEnumerable<DriftFinding> findings, long requests)
        {
            var all = findings.ToList();
            var rows = new List<DriftSummary>();
            var names = (wholeBucket ? new[] { "" } : new string[0]).Concat(solutions).ToList();
            foreach (var solution in names)
            {
                var row = new DriftSummary { Bucket = bucket, Solution = solution, Solutions = solutions, Requests = requests };
                row.Findings = all.Where(f => f.Solution == solution).ToList();
                foreach (var finding in row.Findings) row.Count(finding.Kind);
                rows.Add(row);
            }
            return rows;
        }
    }
}
