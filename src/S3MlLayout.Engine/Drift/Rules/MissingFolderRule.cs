using S3MlLayout.Engine.Layouts;

namespace S3MlLayout.Engine.Drift.Rules
{
    /// <summary>Missing: a declared folder with no marker and nothing under it. Repairable: the marker is written.</summary>
    internal static class MissingFolderRule
    {
        public static DriftFinding Check(FindingFactory findings, string solution, string key) =>
            findings.Finding(DriftCategory.Missing, solution, key, "folder marker", "absent", "Repair-MlLayout creates the marker.", true);

        public static DriftFinding Check(FindingFactory findings, string solution, FolderNode node) => Check(findings, solution, node.Key);
    }
}
