using System.Collections.Generic;
using System.Linq;
using S3MlLayout.Engine.S3;

namespace S3MlLayout.Engine.Drift.Rules
{
    /// <summary>BucketSetting: a bucket setting differs from the declared one. Repairable: the declared setting is applied again.</summary>
    internal static class BucketSettingRule
    {
        public static IEnumerable<DriftFinding> Check(FindingFactory findings, BucketSettings declared, BucketSettings actual) =>
            BucketSettings.Compare(declared, actual).Select(difference =>
                findings.Finding(DriftCategory.BucketSetting, "", difference.Setting, difference.Expected, difference.Actual,
                    "Repair-MlLayout re-applies the declared setting.", true, uri: findings.Describe("")));
    }
}
