namespace S3MlLayout.Engine.Drift.Rules
{
    /// <summary>Unexpected: a prefix the layout does not declare, well named. Never repaired: it may hold data.</summary>
    internal static class UnexpectedPrefixRule
    {
        public static DriftFinding Check(FindingFactory findings, string solution, string prefix, long? count, long? size) =>
            findings.Finding(DriftCategory.Unexpected, solution, prefix, "not declared", count != null ? $"{count} objects, {size} bytes" : "present",
                "Declare it in the template (add:), or move it; Repair-MlLayout leaves it alone.", false, count, size);
    }
}
