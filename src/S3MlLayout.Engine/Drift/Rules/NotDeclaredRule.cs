using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using S3MlLayout.Engine.Storage;

namespace S3MlLayout.Engine.Drift.Rules
{
    /// <summary>
    /// NotDeclared: a solution the bucket declares that its tenant spec no longer names. Known only for a bucket that
    /// comes from a tenant spec, after the whole bucket was checked. Never repairable: nothing is removed for the user.
    /// </summary>
    internal static class NotDeclaredRule
    {
        public static IEnumerable<DriftFinding> Check(MlBucket bucket, IStorageTarget target, IEnumerable<string> checkedSolutions, IEnumerable<string> named, string tenantFile)
        {
            var stillNamed = new HashSet<string>(named, StringComparer.Ordinal);
            foreach (var solution in checkedSolutions.Where(s => !stillNamed.Contains(s)))
            {
                string key = $"solutions/{solution}/";
                yield return new DriftFinding
                {
                    Kind = DriftCategory.NotDeclared, Bucket = bucket.Name, Solution = solution, Uri = target.Describe(key), Key = key,
                    Expected = "not in tenant", Actual = "provisioned",
                    SuggestedFix = $"Declare {solution} again in {Path.GetFileName(tenantFile)}, or, after review, remove it: Get-MlBucket -BucketName {bucket.Name} | Remove-MlSolution -Solution {solution}. Nothing is removed for you.",
                    Source = bucket,
                };
            }
        }
    }
}
