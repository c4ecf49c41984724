namespace S3MlLayout.Engine.Drift.Rules
{
    /// <summary>LinkOutsideBucket (local target): a symbolic link leading out of the bucket directory. Never followed or repaired.</summary>
    internal static class LinkOutsideBucketRule
    {
        public static DriftFinding Check(FindingFactory findings, string solution, string key) =>
            findings.Finding(DriftCategory.LinkOutsideBucket, solution, key, "a folder or object inside the bucket directory", "a symbolic link leading out of it",
                "Replace the link with a real directory inside the bucket (move what it points to), or remove it; S3MlLayout never writes or deletes through it.", false);
    }
}
