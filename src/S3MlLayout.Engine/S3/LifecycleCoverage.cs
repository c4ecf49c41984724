using System;
using S3MlLayout.Engine.Errors;
using S3MlLayout.Engine.Naming;

namespace S3MlLayout.Engine.S3
{
    /// <summary>What a lifecycle rule's prefix reaches that matters beyond the data it is meant for.</summary>
    public enum LifecycleReach
    {
        /// <summary>Part of one solution (solutions/churn/data/raw/), a bucket folder (shared/) ...: no more than asked for.</summary>
        Narrow,
        /// <summary>At least one whole solution: solutions/, solutions/churn/, solutions/ch, sol ... Needs an acknowledgement.</summary>
        WholeSolutions,
        /// <summary>Some of .s3mllayout/ (the declarations and the audit log): '', '.', '.s3', .s3mllayout/audit/ ... Always refused.</summary>
        ModuleRecords,
    }

    /// <summary>
    /// The one judgement of lifecycle prefixes, for tenant files and New-MlBucket -LifecycleRule alike. A rule's
    /// prefix matches every key that starts with it, so it reaches .s3mllayout/ when either is a prefix of the other
    /// (the empty prefix, '.', '.s3mllayou' reach it as surely as '.s3mllayout/audit/'), and it reaches a whole
    /// solution when some solutions/{name}/ starts with it. Rules are prefix-only here (no tag filters), so nothing
    /// reaches further than its prefix says.
    /// </summary>
    public static class LifecycleCoverage
    {
        /// <summary>The value of a rule's 'acknowledge' key (tenant file) or Acknowledge entry (-LifecycleRule) that accepts a rule reaching whole solutions.</summary>
        public const string WholeSolutionsAcknowledgement = "covers-whole-solutions";

        private const string SolutionsRoot = "solutions/";

        public static LifecycleReach Reach(string prefix)
        {
            // Compared without case: the local target on Windows and macOS folds it, and refusing more is the safe side.
            string reserved = S3KeyRules.ReservedPrefix;
            if (reserved.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || prefix.StartsWith(reserved, StringComparison.OrdinalIgnoreCase)
                || S3KeyRules.IsReserved(prefix))
                return LifecycleReach.ModuleRecords;
            if (SolutionsRoot.StartsWith(prefix, StringComparison.Ordinal)) return LifecycleReach.WholeSolutions;
            if (prefix.StartsWith(SolutionsRoot, StringComparison.Ordinal))
            {
                // solutions/churn or solutions/churn/ reach the whole solution; solutions/churn/data/ only part of it.
                string rest = prefix.Substring(SolutionsRoot.Length);
                int slash = rest.IndexOf('/');
                if (slash < 0 || slash == rest.Length - 1) return LifecycleReach.WholeSolutions;
            }
            return LifecycleReach.Narrow;
        }

        /// <summary>
        /// Null when every folder name of the prefix is one S3KeyRules accepts (the last may be partial or empty);
        /// otherwise why not. Keeps control characters and markup out of plans, Markdown and messages.
        /// </summary>
        public static string? CheckPrefixText(string prefix)
        {
            var segments = prefix.Split('/');
            for (int i = 0; i < segments.Length; i++)
            {
                if (i == segments.Length - 1 && segments[i].Length == 0) break; // the trailing '/'
                if (S3KeyRules.CheckSegment(segments[i]) is string reason) return reason;
            }
            return S3KeyRules.CheckKey(prefix);
        }

        /// <summary>The rules of <paramref name="desired"/> that reach whole solutions and that a plan sets (its pending setting names, LifecycleRule:{id}).</summary>
        public static System.Collections.Generic.IReadOnlyList<LifecycleRuleSpec> Flagged(BucketSettings desired, System.Collections.Generic.IEnumerable<string> pendingSettings)
        {
            var pending = new System.Collections.Generic.HashSet<string>(pendingSettings, StringComparer.Ordinal);
            var flagged = new System.Collections.Generic.List<LifecycleRuleSpec>();
            foreach (var rule in desired.LifecycleRules ?? new System.Collections.Generic.List<LifecycleRuleSpec>())
                if (pending.Contains("LifecycleRule:" + rule.Id) && Reach(rule.Prefix) == LifecycleReach.WholeSolutions) flagged.Add(rule);
            return flagged;
        }

        /// <summary>What the rule does, for messages: 'expires', 'moves to GLACIER' or both.</summary>
        public static string Effect(LifecycleRuleSpec rule) =>
            rule.ExpirationDays != null && rule.TransitionDays != null ? $"moves to {rule.StorageClass} after {rule.TransitionDays}d and expires after {rule.ExpirationDays}d"
            : rule.ExpirationDays != null ? $"expires after {rule.ExpirationDays}d" : $"moves to {rule.StorageClass} after {rule.TransitionDays}d";

        /// <summary>Why a rule reaching .s3mllayout/ is refused (the caller adds where it was given).</summary>
        public static string ModuleRecordsMessage(string prefix) =>
            $"the lifecycle prefix '{prefix}' covers some of {S3KeyRules.ReservedPrefix} (every key starting with '{prefix}' is in the rule, and S3MlLayout keeps its declarations and audit log there); " +
            "lifecycle rules may never expire or move them. Give the prefix of the data itself, e.g. 'solutions/churn/data/raw/'.";

        /// <summary>Why a rule reaching whole solutions needs its acknowledgement.</summary>
        public static string WholeSolutionsMessage(string prefix, string how) =>
            $"the lifecycle prefix '{prefix}' covers whole solutions (every key under solutions/ that starts with '{prefix}'): all their data, declared folders and documents. " +
            $"Narrow it to the data it is meant for (e.g. 'solutions/churn/data/raw/'), or, if that is intended, {how}.";

        /// <summary>The warning a plan carries for a rule that reaches whole solutions (acknowledged, or it would not be planned).</summary>
        public static string Warning(string bucketUri, LifecycleRuleSpec rule) =>
            $"{bucketUri}: lifecycle rule '{rule.Id}' {Effect(rule)} every object under '{rule.Prefix}', which covers whole solutions (acknowledged with '{WholeSolutionsAcknowledgement}'). Review before applying.";

        /// <summary>Refuses what -LifecycleRule may not set: ModuleRecords always, WholeSolutions without the acknowledgement.</summary>
        public static void CheckParameter(LifecycleRuleSpec rule, string? acknowledgement)
        {
            var reach = Reach(rule.Prefix);
            if (reach != LifecycleReach.ModuleRecords && CheckPrefixText(rule.Prefix) is string reason)
                throw new MlLayoutException("LifecycleRuleInvalid", ErrorKind.InvalidArgument, "LifecycleRule", $"-LifecycleRule: the prefix is not usable: {reason}.");
            if (reach == LifecycleReach.ModuleRecords)
                throw new MlLayoutException("LifecycleRuleReserved", ErrorKind.InvalidArgument, "LifecycleRule", "-LifecycleRule: " + ModuleRecordsMessage(rule.Prefix));
            if (reach == LifecycleReach.WholeSolutions && !string.Equals(acknowledgement, WholeSolutionsAcknowledgement, StringComparison.Ordinal))
                throw new MlLayoutException("LifecycleRuleNotAcknowledged", ErrorKind.InvalidArgument, "LifecycleRule",
                    "-LifecycleRule: " + WholeSolutionsMessage(rule.Prefix, $"add Acknowledge = '{WholeSolutionsAcknowledgement}' to the rule"));
        }
    }
}
