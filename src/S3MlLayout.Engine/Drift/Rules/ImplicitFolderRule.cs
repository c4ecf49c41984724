namespace S3MlLayout.Engine.Drift.Rules
{
    /// <summary>Implicit: objects lie under a declared prefix but its marker is gone. Repairable: the marker is written.</summary>
    internal static class ImplicitFolderRule
    {
        /// <summary>Null when the marker is there; the caller has already ruled out an empty prefix (that is Missing).</summary>
        public static DriftFinding? Check(FindingFactory findings, string solution, string key, bool marker) =>
            marker ? null : findings.Finding(DriftCategory.Implicit, solution, key, "folder marker", "objects under the prefix, no marker", "Repair-MlLayout creates the marker.", true);
    }
}
