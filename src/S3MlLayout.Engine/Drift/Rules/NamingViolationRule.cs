using S3MlLayout.Engine.Naming;

namespace S3MlLayout.Engine.Drift.Rules
{
    /// <summary>NamingViolation: an undeclared prefix whose name breaks the naming style of its subtree. Never repaired.</summary>
    internal static class NamingViolationRule
    {
        /// <summary>Null when the name fits the style (the prefix is then merely Unexpected).</summary>
        public static DriftFinding? Check(FindingFactory findings, string solution, string prefix, string name, NamingStyle style, long? count, long? size)
        {
            if (NamingStyles.Matches(name, style)) return null;
            string corrected = NamingStyles.Correct(name, style);
            return findings.Finding(DriftCategory.NamingViolation, solution, prefix, $"{NamingStyles.ToYaml(style)} name '{corrected}'", $"'{name}'",
                $"Rename the prefix to {findings.Describe(prefix.Substring(0, prefix.Length - name.Length - 1) + corrected + "/")}, or declare it in the template with its style.", false, count, size);
        }
    }
}
