using S3MlLayout.Engine.Layouts;

namespace S3MlLayout.Engine.Drift.Rules
{
    /// <summary>InvalidPartition: under a date-partitioned folder, a prefix that is not a valid date level in its style. Never repaired.</summary>
    internal static class InvalidPartitionRule
    {
        /// <summary>Level 0 is the year, 1 the month, 2 the day; null when the level's name is valid.</summary>
        public static DriftFinding? Check(FindingFactory findings, string solution, FolderNode folder, string prefix, string name, int level, int year, int month)
        {
            var problem = PartitionLevels.Check(level, name, folder.PartitionStyle, year, month);
            if (problem == null) return null;
            var corrected = PartitionLevels.Correct(name, folder.PartitionStyle, level);
            if (corrected == name + "/") corrected = null; // spelled right, but no such date: no better name to offer
            string expected = PartitionLevels.Describe(folder.PartitionStyle, folder.Partition);
            return findings.Finding(DriftCategory.InvalidPartition, solution, prefix, expected, problem,
                corrected != null ? $"Move the objects to {findings.Describe(prefix.Substring(0, prefix.Length - name.Length - 1) + corrected)} (Repair-MlLayout leaves data alone)."
                                  : $"Move the objects under a valid {expected} prefix of {findings.Describe(folder.Key)} (Repair-MlLayout leaves data alone).", false);
        }
    }
}
